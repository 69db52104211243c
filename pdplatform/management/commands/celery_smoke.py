"""Send one task through the real broker and wait until a worker has written its row."""

import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from pdplatform.models import WorkerHeartbeat
from pdplatform.tasks import heartbeat


class Command(BaseCommand):
    help = "Check that a Celery worker consumes a task from the broker and writes to the database."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, timeout: float, **options):
        note = f"smoke-{uuid.uuid4().hex[:12]}"
        heartbeat.apply_async(args=[note], ignore_result=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = WorkerHeartbeat.objects.filter(note=note).first()
            if row:
                self.stdout.write(self.style.SUCCESS(f"worker {row.worker} wrote {note}"))
                return
            time.sleep(0.2)
        raise CommandError(f"No worker wrote {note} within {timeout:.0f} s")
