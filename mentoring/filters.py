"""Filters of mentoring's lists, page and API (django-filter, checked by core/filters.py): a pair the
user may not see is as unknown as one that does not exist."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import FilterSet, IdFilter

from . import selectors
from .models import MentoringPair, PairState


class PairFilterSet(FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=PairState.choices)


def _visible_pairs(request):
    return selectors.pairs_visible_to(request.user) if request else MentoringPair.objects.none()


def _own_pairs(request):
    return selectors.pairs_of_member(request.user) if request else MentoringPair.objects.none()


class PairGoalFilterSet(FilterSet):
    pair = IdFilter(label=_("Mentoring pair"), queryset=_visible_pairs)


class MeetingFilterSet(FilterSet):
    pair = IdFilter(label=_("Mentoring pair"), queryset=_own_pairs)
