from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from . import scopes

        scopes.declare()
        from accounts.roles import Role, register_role_permissions

        builder = [
            f"surveys.{action}_{model}"
            for model in (
                "survey",
                "section",
                "question",
                "choice",
                "reminderstep",
                "courserecommendationrule",
            )
            for action in ("add", "change", "delete", "view")
        ]
        register_role_permissions(Role.METHODOLOGIST, [*builder, "surveys.view_participation"])
        # School administrators run surveys for their own school (services.survey_check keeps them there).
        register_role_permissions(
            Role.SCHOOL_ADMIN, [p for p in builder if "courserecommendationrule" not in p]
        )
