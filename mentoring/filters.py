"""Filters of mentoring's lists, page and API (django-filter, checked by core/filters.py). `?pair=` must be
a whole number; a pair outside the user's lists (already scoped by their querysets) lists nothing, as before."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import FilterSet, WholeNumberFilter

from .models import PairState


class PairFilterSet(FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=PairState.choices)


class PairGoalFilterSet(FilterSet):
    pair = WholeNumberFilter(label=_("Mentoring pair"), field_name="pair_id", min_value=1)


class MeetingFilterSet(FilterSet):
    pair = WholeNumberFilter(label=_("Mentoring pair"), field_name="pair_id", min_value=1)
