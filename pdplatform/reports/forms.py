"""Report filters: every value is checked; an unknown one is a clear error, never a silent widening."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Subject
from cohorts.models import Cohort, Enrollment
from courses.models import Course

SORTS = {
    "teacher": ("teacher__full_name", "teacher__email"),
    "school": ("teacher__school__name", "teacher__full_name"),
    "course": ("cohort__course__title", "teacher__full_name"),
    "cohort": ("cohort__title", "teacher__full_name"),
    "starts": ("cohort__starts_on", "teacher__full_name"),
    "state": ("state", "teacher__full_name"),
    "progress": ("progress_sort", "teacher__full_name"),
    "score": ("avg_score", "teacher__full_name"),
}
SORT_CHOICES = [(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS]


def school_year_of(day: dt.date) -> int:
    """The school year starting on 1 September of the returned year."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_choices() -> list[tuple[str, str]]:
    current = school_year_of(timezone.localdate())
    return [(str(y), f"{y}–{y + 1}") for y in range(current + 1, current - 6, -1)]


def school_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


class PeriodMixin:
    def clean_period(self, cleaned):
        year = cleaned.get("year")
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            raise forms.ValidationError(_("The end of the period is before its start."), code="period_order")
        if year and not (date_from or date_to):
            date_from, date_to = school_year_bounds(int(year))
        cleaned["period"] = (date_from, date_to)
        return cleaned


class EnrollmentFilterForm(PeriodMixin, forms.Form):
    """Filters of the school report (and its export and API): all optional."""

    year = forms.TypedChoiceField(label=_("School year"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none(), required=False)
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    subject = forms.ModelChoiceField(
        label=_("Subject taught"), queryset=Subject.objects.none(), required=False
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=None, required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[("", "")] + SORT_CHOICES)

    error_messages = {"invalid_choice": _("Unknown value: %(value)s.")}

    def __init__(self, data=None, *, schools, courses, cohorts, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("Any"))] + school_year_choices()
        self.fields["state"].choices = [("", _("Any"))] + list(Enrollment.State.choices)
        self.fields["course"].queryset = courses
        self.fields["cohort"].queryset = cohorts
        self.fields["subject"].queryset = Subject.objects.order_by("name")
        self.fields["school"].queryset = schools
        for name in ("course", "cohort", "subject", "school"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Unknown value: it is not one of the choices you may use."
            )
        for name in ("year", "state", "sort"):
            self.fields[name].error_messages["invalid_choice"] = _("Unknown value: %(value)s.")

    def clean(self):
        return self.clean_period(super().clean())


class TeacherFilterForm(forms.Form):
    """Filters of the teachers' hours report."""

    SHOW_CHOICES = [
        ("", _("Everyone")),
        ("none", _("No completed course in 3 years")),
        ("behind", _("Behind on hours this cycle")),
    ]
    show = forms.ChoiceField(label=_("Show"), required=False, choices=SHOW_CHOICES)
    subject = forms.ModelChoiceField(
        label=_("Subject taught"), queryset=Subject.objects.none(), required=False
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=None, required=False)

    def __init__(self, data=None, *, schools, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["subject"].queryset = Subject.objects.order_by("name")
        self.fields["school"].queryset = schools
        for name in ("subject", "school"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Unknown value: it is not one of the choices you may use."
            )
        self.fields["show"].error_messages["invalid_choice"] = _("Unknown value: %(value)s.")


class MonitoringForm(forms.Form):
    year = forms.TypedChoiceField(label=_("School year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = school_year_choices()
        self.fields["year"].initial = school_year_of(timezone.localdate())
        self.fields["year"].error_messages["invalid_choice"] = _("Unknown value: %(value)s.")

    def year_value(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or school_year_of(
            timezone.localdate()
        )
