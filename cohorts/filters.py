"""Filters of the cohorts API's lists (django-filter, checked by core/filters.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import FilterSet


class OpenCohortFilterSet(FilterSet):
    """The open cohorts of one course, named by its id or its slug (required)."""

    course = django_filters.CharFilter(
        label=_("Course"),
        required=True,
        method="filter_course",
        help_text=_("Course id or slug"),
        error_messages={"required": _("Give a course id or slug.")},
    )

    def filter_course(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(course_id=int(value)) if value.isdigit() else Q(course__slug=value))
