from django import template

from communities import selectors

register = template.Library()


@register.simple_tag
def events_upcoming_for(user, limit: int = 5):
    """The cabinet's upcoming events, read by the partial templates/communities/_cabinet_events.html."""
    return selectors.events_upcoming_for(user, limit=limit)


@register.filter
def mention_handle(user) -> str:
    """What others type after @ to mention this person."""
    return (getattr(user, "email", "") or "").split("@")[0].lower()
