from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A row a Celery worker writes: proof that broker, worker and database work together."""

    note = models.CharField(_("note"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.note


def export_upload_to(instance, filename: str) -> str:
    """Kept for pdplatform/migrations/0002 (which names it); the model moved to pdplatform/reports/models.py."""
    from pdplatform.reports.models import export_upload_to as moved

    return moved(instance, filename)
