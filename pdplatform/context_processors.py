from accounts.roles import Role
from accounts.selectors import user_role_codes

# The navigation's sections by path prefix, first match wins ("=" for an exact path).
NAV_SECTIONS = [
    ("/courses/", "courses"),
    ("=/cabinet/", "cabinet"),
    ("/communities/", "communities"),
    ("/surveys/heatmap/", "heatmap"),
    ("/surveys/", "surveys"),
    ("/mentoring/", "mentoring"),
    ("/learn/curate/", "curate"),
    ("/learn/reviews/", "reviews"),
    ("/learn/questions/", "questions"),
    ("/learn/nominations/", "nominations"),
    ("/reports/", "reports"),
    ("=/notifications/", "notifications"),
]


def nav_section(path: str) -> str:
    for prefix, section in NAV_SECTIONS:
        if path == prefix[1:] if prefix.startswith("=") else path.startswith(prefix):
            return section
    return ""


def navigation(request):
    """What the navigation may show: role flags for the signed-in user, read once per request, and the
    section of the site the page belongs to (its link is marked active; the cached navigation's key)."""
    user = getattr(request, "user", None)
    codes = user_role_codes(user) if user is not None else frozenset()
    su = bool(getattr(user, "is_superuser", False))
    return {
        "nav_section": nav_section(getattr(request, "path", "")),
        "nav_roles": {
            "teacher": su or Role.TEACHER in codes,
            "methodologist": su or Role.METHODOLOGIST in codes,
            "curator": su or Role.CURATOR in codes,
            "school_admin": su or Role.SCHOOL_ADMIN in codes,
            "municipal_admin": su or Role.MUNICIPAL_ADMIN in codes,
            "staff": bool(getattr(user, "is_staff", False)),
        },
    }
