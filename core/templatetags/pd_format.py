"""`{% load pd_format %}`: `{{ course.hours|hours }}` → "72 часа" (see core.formatting);
`{{ event.time_zone|time_zone }}` → "Москва (UTC+3)" (see core.timezones)."""

from django import template

from core.formatting import hours_label
from core.timezones import time_zone_label

register = template.Library()


@register.filter(name="hours")
def hours(value) -> str:
    return hours_label(value)


@register.filter(name="time_zone")
def time_zone(value) -> str:
    return time_zone_label(str(value or ""))
