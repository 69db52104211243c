from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and schools")

    def ready(self) -> None:
        from . import scopes

        scopes.declare()
        from django.db.models.signals import post_migrate

        from .roles import sync_role_groups

        # Groups and their permissions are kept in code; post_migrate keeps the database in step.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
