from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring and development plans")

    def ready(self) -> None:
        from . import scopes

        scopes.declare()
        from notifications.kinds import register_kind

        register_kind("mentoring_feedback", _("Reminder to give feedback on your mentoring"))
