"""Filters of the communities' lists (django-filter, checked by core/filters.py): the API's topics and
posts, and the materials library page. The lists are scoped by their querysets: a community or topic the
user may not read lists nothing, as before."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from accounts.models import Subject
from core.filters import FilterSet, IdFilter, SearchFilter, WholeNumberFilter

from . import selectors
from .models import MaterialKind


class TopicFilterSet(FilterSet):
    community = django_filters.CharFilter(
        label=_("Community"), field_name="community__slug", required=True, help_text=_("The community's slug")
    )


class PostFilterSet(FilterSet):
    topic = WholeNumberFilter(
        label=_("Topic"), field_name="topic_id", min_value=1, required=True, help_text=_("The topic's id")
    )


MATERIAL_SORT_LABELS = {
    "relevance": _("Best match"),
    "useful": _("Most useful"),
    "newest": _("Newest"),
    "discussed": _("Most discussed"),
    "title": _("By title"),
}


class MaterialFilterSet(FilterSet):
    """The library's filters: words, subject (the platform's one list, accounts.Subject), grade 1–11,
    kind, one of the tags used in this community, sort. A bad value is named above the list and not
    applied (decision 0311); the filtering itself is the selector's (`materials_for`)."""

    q = SearchFilter(label=_("Search the library"))
    subject = IdFilter(label=_("Subject"), queryset=Subject.objects.all(), empty_label=_("Any subject"))
    grade = django_filters.ChoiceFilter(
        label=_("Grade"), choices=[(str(g), str(g)) for g in range(1, 12)], empty_label=_("Any grade")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=MaterialKind.choices, empty_label=_("Any kind")
    )
    tag = django_filters.ChoiceFilter(label=_("Tag"), choices=[], empty_label=_("Any tag"))
    # Empty: best match when searching, most useful otherwise.
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=list(MATERIAL_SORT_LABELS.items()), empty_label=_("Recommended")
    )

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["tag"].extra["choices"] = [(t, t) for t in tags]

    def material_filters(self) -> tuple[selectors.MaterialFilter, str]:
        """The checked values as the selector takes them, and the sort (best match first when searching)."""
        v = self.value_or_known
        subject = v("subject")
        query = v("q") or ""
        filters = selectors.MaterialFilter(
            query=query,
            subject_id=subject.pk if subject else None,
            grade=int(v("grade")) if v("grade") else None,
            kind=v("kind") or "",
            tag=v("tag") or "",
        )
        return filters, v("sort") or ("relevance" if query else "useful")
