"""Filters of the communities API's lists (django-filter, checked by core/filters.py): a community or a
topic the user may not read is as unknown as one that does not exist."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from core.filters import FilterSet, IdFilter

from . import selectors
from .models import Community, Topic


def _readable_communities(request):
    return selectors.communities_readable_by(request.user) if request else Community.objects.none()


def _visible_topics(request):
    return selectors.topics_visible_to(request.user) if request else Topic.objects.none()


class TopicFilterSet(FilterSet):
    community = django_filters.ModelChoiceFilter(
        label=_("Community"),
        queryset=_readable_communities,
        to_field_name="slug",
        required=True,
        help_text=_("The community's slug"),
    )


class PostFilterSet(FilterSet):
    topic = IdFilter(label=_("Topic"), queryset=_visible_topics, required=True, help_text=_("The topic's id"))
