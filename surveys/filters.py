"""Filters of the surveys' lists (django-filter, checked by core/filters.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import School
from core.filters import FilterSet, IdFilter

from . import selectors


class NonRespondentFilterSet(FilterSet):
    """The author's non-respondents of a named survey: by school (only schools that have non-respondents)."""

    school = IdFilter(
        label=_("School"),
        queryset=School.objects.none(),
        field_name="school",
        empty_label=_("All schools"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, queryset=None, *, survey, request=None):
        super().__init__(data, queryset, request=request)
        self.filters["school"].queryset = selectors.non_respondent_schools(survey=survey)
