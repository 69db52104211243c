"""The cabinet's "My development" block reads its data here, so the cabinet view needs no change."""

from django import template

from mentoring.selectors import cabinet_mentoring as _cabinet_mentoring

register = template.Library()


@register.simple_tag
def cabinet_mentoring(user):
    return _cabinet_mentoring(user)
