from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.apps import apps

        from . import search
        from .sites import site_sync_from_settings

        search.install()  # the `fold` lookup: case- and ё-insensitive contains, Cyrillic included

        # core has no models, so it gets no post_migrate of its own: listen to the sites app's, after
        # its create_default_site (connected first: django.contrib.sites is earlier in INSTALLED_APPS).
        if apps.is_installed("django.contrib.sites"):
            post_migrate.connect(
                site_sync_from_settings,
                sender=apps.get_app_config("sites"),
                dispatch_uid="core.site_sync_from_settings",
            )
