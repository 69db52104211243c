"""The reports' filters (pages, exports, background jobs and the API): django-filter FilterSets whose
forms check every value (core/filters.py). A value outside the user's scope (another school, a
cohort none of their teachers is in) is as unknown as one that does not exist, never a silent
widening; the filtering itself is the selectors' (`apply_enrollment_filters`, `teacher_report`)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters import rest_framework as django_filters

from accounts.models import School, Subject
from cohorts.models import Cohort, Enrollment
from core.filters import FilterSet, IdFilter, YearFilter
from courses.models import Course

from . import selectors
from .forms import SORT_CHOICES, PeriodForm, school_year_choices, school_year_of


def _years_or_any():
    return [("", _("Any")), *school_year_choices()]


def _date_filter(label):
    return django_filters.DateFilter(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class ScopedFilterSet(FilterSet):
    """A FilterSet whose choices depend on whom the report is for (`user`, or the request's user)."""

    def __init__(self, data=None, queryset=None, *, request=None, user=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user if user is not None else request.user


class EnrollmentFilterSet(ScopedFilterSet):
    """The school report (page, export, API): all optional."""

    year = YearFilter(label=_("School year"), choices=_years_or_any, coerce=int, empty_value=None)
    date_from = _date_filter(pgettext_lazy("date range", "From"))
    date_to = _date_filter(pgettext_lazy("date range", "To"))
    course = IdFilter(label=_("Course"), queryset=Course.objects.none())
    cohort = IdFilter(label=_("Cohort"), queryset=Cohort.objects.none())
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Enrollment.State.choices, empty_label=_("Any")
    )
    subject = IdFilter(label=_("Subject taught"), queryset=Subject.objects.order_by("name"))
    school = IdFilter(label=_("School"), queryset=School.objects.none())
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORT_CHOICES)

    class Meta:
        form = PeriodForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = selectors.filter_choices(self.user)
        self.filters["course"].queryset = choices["courses"]
        self.filters["cohort"].queryset = choices["cohorts"]
        self.filters["school"].queryset = choices["schools"]

    def enrollment_filters(self) -> selectors.EnrollmentFilters:
        """The checked values as the selectors take them (call once the FilterSet is valid)."""
        return selectors.EnrollmentFilters.from_form(self.form)

    def filter_queryset(self, queryset):
        return selectors.apply_enrollment_filters(queryset, self.enrollment_filters())


class TeacherFilterSet(ScopedFilterSet):
    """The teachers' hours report."""

    show = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[("none", _("No completed course in 3 years")), ("behind", _("Behind on hours this cycle"))],
        empty_label=_("Everyone"),
    )
    subject = IdFilter(label=_("Subject taught"), queryset=Subject.objects.order_by("name"))
    school = IdFilter(label=_("School"), queryset=School.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = selectors.report_schools(self.user)

    def teacher_filters(self) -> dict:
        c = self.form.cleaned_data
        return {"show": c.get("show") or "", "subject": c.get("subject"), "school": c.get("school")}

    def params(self) -> dict:
        """What the export log keeps (ids only)."""
        return {k: (v.pk if hasattr(v, "pk") else v) for k, v in self.teacher_filters().items() if v}

    def filter_queryset(self, queryset):
        return selectors.teacher_report(user=self.user, base=queryset, **self.teacher_filters())


class MonitoringFilterSet(FilterSet):
    """Municipal monitoring: one school year (the current one when none is asked for)."""

    year = YearFilter(label=_("School year"), choices=school_year_choices, coerce=int, empty_value=None)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # No filter given: unbound (the current year). Monitoring is aggregates, not a list: no queryset.
        super().__init__(
            data or None,
            School.objects.none() if queryset is None else queryset,
            request=request,
            prefix=prefix,
        )
        self.form.fields["year"].initial = school_year_of(timezone.localdate())

    def is_valid(self) -> bool:
        return not self.is_bound or super().is_valid()

    def year_value(self) -> int:
        return (self.form.cleaned_data.get("year") if self.is_bound and self.is_valid() else None) or (
            school_year_of(timezone.localdate())
        )
