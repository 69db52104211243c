"""`{% load pd_format %}`: `{{ course.hours|hours }}` → "72 часа" (see core.formatting)."""

from django import template

from core.formatting import hours_label

register = template.Library()


@register.filter(name="hours")
def hours(value) -> str:
    return hours_label(value)
