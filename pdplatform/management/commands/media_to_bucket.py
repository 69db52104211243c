"""Move the local media into the bucket (STORAGE_URL), then check that every stored file is there."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from core.storage import is_object_storage
from pdplatform.media import media_to_bucket


class Command(BaseCommand):
    help = (
        "Copy every file a row points to from the local media folder to the bucket named by STORAGE_URL "
        "(idempotent: what the bucket has is skipped), then check that the bucket holds every stored file; "
        "exits with 1 and lists what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(settings.MEDIA_ROOT), help="the local media folder")
        parser.add_argument("--check", action="store_true", help="only check, copy nothing")

    def handle(self, *args, source: str, check: bool, **options):
        if not is_object_storage(default_storage):
            raise CommandError("STORAGE_URL is not set: the media are not in a bucket.")
        copied, missing = media_to_bucket(
            source=FileSystemStorage(location=source),
            target=default_storage,
            copy=not check,
            log=self.stdout.write if options["verbosity"] > 1 else None,
        )
        self.stdout.write(f"copied: {copied}")
        for label, name in missing:
            self.stdout.write(f"missing: {label} {name}")
        if missing:
            raise CommandError(f"{len(missing)} stored file(s) are not in the bucket.")
        self.stdout.write(self.style.SUCCESS("every stored file is in the bucket"))
