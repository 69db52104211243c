from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Methodologists and curators run cohorts in the admin; admin.py narrows them to their own cohorts.
STAFF_PERMISSIONS = [
    *[
        f"cohorts.{action}_{model}"
        for model in ("cohort", "livesession", "seatquota")
        for action in ("view", "add", "change")
    ],
    "cohorts.delete_livesession",
    "cohorts.delete_seatquota",
    "cohorts.view_enrollment",
    "cohorts.view_enrollmentevent",
    "cohorts.view_nomination",
    "cohorts.view_bulkoperation",
    "cohorts.view_announcement",
    "cohorts.view_question",
    "cohorts.view_submission",
]


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts and learning")

    def ready(self) -> None:
        from . import scopes

        scopes.declare()
        from accounts.roles import Role, register_role_permissions
        from courses import hooks

        from . import selectors

        register_role_permissions(Role.METHODOLOGIST, STAFF_PERMISSIONS)
        register_role_permissions(Role.CURATOR, STAFF_PERMISSIONS)
        hooks.register_course_page_context(selectors.course_page_context)
        hooks.register_open_cohort_filter(selectors.open_cohort_exists)
