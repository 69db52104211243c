from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Professional communities")

    def ready(self) -> None:
        from cohorts import hooks as cohort_hooks
        from courses import hooks as course_hooks

        from . import receivers, scopes, selectors

        scopes.declare()
        receivers.connect()
        cohort_hooks.register_player_links(selectors.cohort_space_links)
        course_hooks.register_course_page_context(selectors.course_page_links)
