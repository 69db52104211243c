from accounts.roles import Role
from accounts.selectors import user_role_codes


def navigation(request):
    """What the navigation may show: role flags for the signed-in user, read once per request."""
    user = getattr(request, "user", None)
    codes = user_role_codes(user) if user is not None else frozenset()
    su = bool(getattr(user, "is_superuser", False))
    return {
        "nav_roles": {
            "teacher": su or Role.TEACHER in codes,
            "methodologist": su or Role.METHODOLOGIST in codes,
            "curator": su or Role.CURATOR in codes,
            "school_admin": su or Role.SCHOOL_ADMIN in codes,
            "municipal_admin": su or Role.MUNICIPAL_ADMIN in codes,
            "staff": bool(getattr(user, "is_staff", False)),
        }
    }
