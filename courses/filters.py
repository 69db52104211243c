"""The catalogue's filters (page and API): a django-filter FilterSet whose form checks every value
(core/filters.py); the filtering and ordering themselves are the selector's (`course_catalogue`)."""

from django.utils.translation import gettext_lazy as _

from core.filters import (
    CodesFilter,
    FilterSet,
    KnownCodesFilter,
    SearchFilter,
    WholeNumberFilter,
    YesNoFilter,
    django_filters,
)

from . import selectors
from .models import Course

SORT_CHOICES = [(s, s) for s in selectors.CatalogueFilters.SORTS]
MAX_HOURS = 99999


class CatalogueFilterSet(FilterSet):
    q = SearchFilter(
        label=_("Search"), help_text=_("Full-text search (title, summary, description, lessons).")
    )
    subject = KnownCodesFilter(
        label=_("Subject"),
        known=selectors.known_subject_codes,
        help_text=_("Subject code; repeat or comma-separate."),
    )
    format = CodesFilter(label=_("Format"), choices=Course.Format.choices)
    level = CodesFilter(label=_("Level"), choices=Course.Level.choices)
    language = CodesFilter(
        label=_("Course language"),
        choices=Course.Language.choices,
        help_text=_("Course language; repeat or comma-separate."),
    )
    competency = KnownCodesFilter(
        label=_("Competency"), known=selectors.known_competency_codes, help_text=_("Competency or area code.")
    )
    hours_min = WholeNumberFilter(label=_("At least, hours"), min_value=0, max_value=MAX_HOURS)
    hours_max = WholeNumberFilter(label=_("At most, hours"), min_value=0, max_value=MAX_HOURS)
    open = YesNoFilter(label=_("Has an open cohort"), help_text=_("Only courses with an open cohort."))
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORT_CHOICES)

    def catalogue_filters(self) -> selectors.CatalogueFilters:
        """The checked values as the selector takes them; a bad value is not applied (its error is shown)."""
        if not self.is_bound:
            return selectors.CatalogueFilters()
        v = self.value_or_known
        return selectors.CatalogueFilters(
            q=v("q") or "",
            subjects=v("subject") or [],
            formats=v("format") or [],
            levels=v("level") or [],
            competencies=v("competency") or [],
            hours_min=v("hours_min"),
            hours_max=v("hours_max"),
            open_cohort=bool(v("open")),
            languages=v("language") or [],
            sort=v("sort") or "",
        )

    def filter_queryset(self, queryset):
        user = self.request.user if self.request is not None else None
        return selectors.course_catalogue(user=user, filters=self.catalogue_filters(), base=queryset)
