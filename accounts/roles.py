"""Roles are Django groups; their permissions are declared here, once, and synced after migrate.

Scope does not live in the group: a school administrator's school is `user.school`, a municipal
administrator's municipality is `user.municipality`, curators and pairs come from object relations.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    METHODOLOGIST = "methodologist", _("Methodologist")
    CURATOR = "curator", _("Curator")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    MUNICIPAL_ADMIN = "municipal_admin", _("Municipal administrator")


# "app_label.codename" permissions each role's group carries (used by the Django admin).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.TEACHER: [],
    Role.METHODOLOGIST: [],
    Role.CURATOR: [],
    Role.SCHOOL_ADMIN: [],
    Role.MUNICIPAL_ADMIN: [],
}

# Roles that may enter the Django admin (they author courses and run cohorts there).
STAFF_ROLES = {Role.METHODOLOGIST, Role.CURATOR}


def register_role_permissions(role: str, permissions: list[str]) -> None:
    """Apps above accounts add their permissions to a role from their AppConfig.ready()."""
    for perm in permissions:
        if perm not in ROLE_PERMISSIONS[role]:
            ROLE_PERMISSIONS[role].append(perm)


def sync_role_groups(sender=None, using="default", **kwargs) -> None:
    """Each role's group carries exactly its declared permissions. As a post_migrate receiver it acts
    once per migrate, on the last app's signal: Django creates permissions app by app on that same
    signal, so only then do they all exist (acting on each of the ~20 signals cost seconds per run)."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if sender is not None:
        with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
        if sender is not with_models[-1]:
            return

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            )
            wanted.extend(found)
        group.permissions.set(wanted)
