"""Which stored files are public: the short list, each with its reason.

Every other FileField is private: its storage URL (/media/...) is served by nobody, and the file
leaves only through a view that authorizes the request and hands it to core/files.py. The walk in
tests/pdplatform/test_private_files.py fails for a FileField that is neither here nor served that way.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.http import Http404
from django.views.static import serve

from core.files import public_file_redirect
from core.storage import is_object_storage

PUBLIC_FILE_FIELDS = {
    # Reasons are for the reader of this code, not shown to users.
    "courses.Course.cover": (
        "A course's cover is shown on the public catalogue to visitors who have not signed in; it is an "
        "image a methodologist chose to advertise the course, checked as an image on upload."
    ),
}


def public_media_prefixes() -> tuple[str, ...]:
    """The storage folders of the public fields (their upload_to), e.g. ("courses/covers/",)."""
    prefixes = []
    for label in PUBLIC_FILE_FIELDS:
        app_model, field_name = label.rsplit(".", 1)
        upload_to = apps.get_model(app_model)._meta.get_field(field_name).upload_to
        if not isinstance(upload_to, str) or not upload_to.endswith("/"):
            raise ImproperlyConfigured(f"{label}: a public field needs a fixed upload_to folder ending in /")
        prefixes.append(upload_to)
    return tuple(prefixes)


def public_media(request, path: str):
    """A public file: from MEDIA_ROOT in development (production: nginx, deploy/nginx.conf), or a redirect
    to the object when the media are in a bucket (there in production too); 404 for every other path,
    whether or not a file is there."""
    if ".." in path.split("/") or not path.startswith(public_media_prefixes()):
        raise Http404
    if is_object_storage(default_storage):  # in a bucket (STORAGE_URL): a fresh signed URL of the object
        return public_file_redirect(default_storage, path)
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def _private_fields() -> list[tuple]:
    """(model, field name) of every FileField that is not on the public list."""
    from django.db.models import FileField

    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField) and f"{model._meta.label}.{field.name}" not in PUBLIC_FILE_FIELDS:
                found.append((model, field))
    return found


def _top_folder(model, field) -> str:
    try:
        name = field.generate_filename(model(), "x.bin")
    except Exception:  # an upload_to that needs a saved row: its app's folder
        return model._meta.app_label
    return name.split("/", 1)[0]


def media_orphans_remove(*, now=None, batch: int = 500) -> list[str]:
    """Remove files under the private media folders that no row points to and that are older than
    PDP_ORPHAN_FILES_AFTER (a PDF of a rolled-back issue, an export's losing run, a replaced upload).
    Young files are kept: a row may be about to point to one being written right now."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.PDP_ORPHAN_FILES_AFTER)
    fields = _private_fields()
    public = public_media_prefixes()
    roots = sorted({_top_folder(model, field) for model, field in fields})

    def walk(folder: str):
        try:  # a missing folder: FileNotFoundError on disk, nothing listed in a bucket (no folder objects)
            dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{folder}/{name}"
        for sub in dirs:
            yield from walk(f"{folder}/{sub}")

    def referenced(names: list[str]) -> set[str]:
        seen: set[str] = set()
        for model, field in fields:
            seen.update(
                model._base_manager.filter(**{f"{field.name}__in": names}).values_list(field.name, flat=True)
            )
        return seen

    removed: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        keep = referenced(pending)
        for name in pending:
            if name not in keep:
                default_storage.delete(name)
                removed.append(name)
        pending.clear()

    for root in roots:
        for name in walk(root):
            if name.startswith(public) or default_storage.get_modified_time(name) >= cutoff:
                continue
            pending.append(name)
            if len(pending) >= batch:
                flush()
    if pending:
        flush()
    return removed


def stored_file_names():
    """(label, name) of every file a row points to, for every FileField of every model (public too)."""
    from django.db.models import FileField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, FileField):
                continue
            label = f"{model._meta.label}.{field.name}"
            names = (
                model._base_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .values_list(field.name, flat=True)
                .order_by()
                .distinct()
            )
            for name in names.iterator(chunk_size=2000):
                yield label, name


def media_to_bucket(*, source, target, copy: bool = True, log=None) -> tuple[int, list[tuple[str, str]]]:
    """Copy every file a row points to from `source` (the local MEDIA_ROOT) to `target` (the bucket) under
    the same name, skipping what the bucket has already (so a second run copies nothing), then check that
    the bucket holds every name; returns (copied, [(label, name) missing from the bucket])."""
    copied = 0
    missing: list[tuple[str, str]] = []
    for label, name in stored_file_names():
        if target.exists(name):
            continue
        if copy and source.exists(name):
            with source.open(name, "rb") as handle:
                saved = target.save(name, handle)
            if saved != name:  # the bucket chose another name: nothing points to it, so take it back
                target.delete(saved)
                raise RuntimeError(f"the bucket stored {name} as {saved}")
            copied += 1
            if log:
                log(f"copied {name}")
            continue
        missing.append((label, name))
    return copied, missing
