from django.utils.functional import SimpleLazyObject

from .selectors import unread_count_for


def unread_count(request):
    """The navigation's unread badge: one COUNT query, and only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_unread": 0}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count_for(user=user))}
