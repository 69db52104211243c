from django import template
from django.utils.html import format_html

from communities import selectors

register = template.Library()


@register.simple_tag
def events_upcoming_for(user, limit: int = 5):
    """The cabinet's upcoming events, read by the partial templates/communities/_cabinet_events.html."""
    return selectors.events_upcoming_for(user, limit=limit)


AVATAR_COLOURS = 12  # .avatar-c0 … .avatar-c11 in static/css/communities.css (no inline styles: the CSP)


@register.filter
def avatar_colour(user_id) -> int:
    return int(user_id or 0) % AVATAR_COLOURS


@register.filter
def initials(user) -> str:
    """Two letters of the person's name ("Ольга Бондаренко" → "ОБ"), never of an e-mail; "?" without a name."""
    words = [word for word in (getattr(user, "full_name", "") or "").split() if word[:1].isalpha()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@register.simple_tag
def avatar(user, size: str = "md"):
    """A generated initials avatar: the same colour for a person everywhere (from their id), no upload."""
    if user is None:
        return ""
    return format_html(
        '<span class="avatar avatar-{} avatar-c{}" aria-hidden="true">{}</span>',
        "sm" if size == "sm" else "md",
        avatar_colour(user.pk),
        initials(user),
    )
