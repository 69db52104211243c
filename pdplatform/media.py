"""Which stored files are public: the short list, each with its reason.

Every other FileField is private: its storage URL (/media/...) is served by nobody, and the file
leaves only through a view that authorizes the request and hands it to core/files.py. The walk in
tests/pdplatform/test_private_files.py fails for a FileField that is neither here nor served that way.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.views.static import serve

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
    """Development only (production: nginx, deploy/nginx.conf): a public file from MEDIA_ROOT, read at
    request time; 404 for every other path, whether or not a file is there."""
    if ".." in path.split("/") or not path.startswith(public_media_prefixes()):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
