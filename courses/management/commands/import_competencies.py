"""Import (create or update) the competency framework from a CSV file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courses.services import competency_import_csv


class Command(BaseCommand):
    help = (
        "Import competency areas and competencies from a UTF-8 CSV with the columns "
        "area_code, area_name, [area_description], code, name, [description]. "
        "A bad row rejects the whole file; existing codes are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file (see courses/data/competencies.csv).")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with path.open("rb") as handle:
                counts = competency_import_csv(file=handle)
        except UnicodeDecodeError as exc:
            raise CommandError("The file is not UTF-8 text.") from exc
        except ValidationError as exc:
            raise CommandError("Nothing imported:\n" + "\n".join(str(m) for m in exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {counts['competencies']} competencies in {counts['areas']} areas "
                f"({counts['created']} new, {counts['updated']} updated)."
            )
        )
