"""Filters of the communities API's lists (django-filter, checked by core/filters.py). The lists are
scoped by their querysets: a community or topic the user may not read lists nothing, as before."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import FilterSet, WholeNumberFilter


class TopicFilterSet(FilterSet):
    community = django_filters.CharFilter(
        label=_("Community"), field_name="community__slug", required=True, help_text=_("The community's slug")
    )


class PostFilterSet(FilterSet):
    topic = WholeNumberFilter(
        label=_("Topic"), field_name="topic_id", min_value=1, required=True, help_text=_("The topic's id")
    )
