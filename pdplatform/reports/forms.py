"""The reports' sorts, school years and the period form under the school report's FilterSet (filters.py)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class PeriodForm(forms.Form):
    """The school report's form: a school year, or a period of dates, its end not before its start."""

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            raise forms.ValidationError(_("The end of the period is before its start."), code="period_order")
        if year and not (date_from or date_to):
            date_from, date_to = school_year_bounds(int(year))
        cleaned["period"] = (date_from, date_to)
        return cleaned


class TeacherImportForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("File with teachers (CSV or XLSX)"),
        help_text=_("Columns: name, email, subject, position, start date (YYYY-MM-DD or DD.MM.YYYY)."),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".csv,.xlsx"})
