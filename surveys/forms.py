from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Question


def field_for(question: Question, *, required: bool) -> forms.Field:
    common = {"label": question.text, "help_text": question.help_text, "required": required}
    if question.kind == Question.Kind.LIKERT:
        return forms.TypedChoiceField(
            choices=[(v, f"{v} — {label}") for v, label in question.likert_labels()],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            **common,
        )
    if question.kind == Question.Kind.SINGLE:
        return forms.TypedChoiceField(
            choices=[(c.pk, c.text) for c in question.choices.all()],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            **common,
        )
    if question.kind == Question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            choices=[(c.pk, c.text) for c in question.choices.all()],
            coerce=int,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            **common,
        )
    if question.kind == Question.Kind.NUMBER:
        return forms.IntegerField(
            min_value=question.min_value,
            max_value=question.max_value,
            widget=forms.NumberInput(attrs={"class": "form-control w-auto"}),
            **common,
        )
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), max_length=5000, **common
    )


class SectionForm(forms.Form):
    """One page of a survey: the questions of one section, named q<id>."""

    def __init__(self, *args, questions, enforce_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = field_for(
                question, required=enforce_required and question.is_required
            )

    def answers(self) -> dict:
        """{question id: value} for what was filled on this page (blank answers are dropped)."""
        out = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if value in (None, "", []):
                out[str(question.pk)] = None
            else:
                out[str(question.pk)] = value
        return out


def raw_page_data(data, questions) -> dict:
    """The page's raw values as posted, for autosave (validated only when the response is submitted)."""
    out = {}
    for question in questions:
        key = f"q{question.pk}"
        if question.kind == Question.Kind.MULTIPLE:
            out[str(question.pk)] = data.getlist(key)
        elif key in data:
            out[str(question.pk)] = data.get(key)
    return out


class ResultsFilterForm(forms.Form):
    """The results filters. A value that is not valid — a cohort, course or comparison outside the user's view
    (unknown and out-of-scope answer alike, so nothing tells which cohorts exist), a date that is not a date, a
    period the other way round, a period on a survey without cohorts — is an error, never a silent fallback."""

    course = forms.TypedChoiceField(
        label=_("Course"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("This course has no cohort of the survey that you can see.")},
    )
    cohort = forms.TypedChoiceField(
        label=_("Cohort"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("This cohort is not one of the survey's cohorts you can see.")},
    )
    compare = forms.TypedMultipleChoiceField(
        label=_("Compare cohorts"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        error_messages={"invalid_choice": _("This cohort is not one of the survey's cohorts you can see.")},
    )
    compare_course = forms.TypedMultipleChoiceField(
        label=_("Compare courses"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        error_messages={"invalid_choice": _("This course has no cohort of the survey that you can see.")},
    )
    compare_year = forms.TypedMultipleChoiceField(
        label=_("Compare years"),
        help_text=_("Cohorts by the year they start."),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        error_messages={"invalid_choice": _("No cohort of the survey that you can see starts in this year.")},
    )
    school = forms.TypedChoiceField(
        label=_("School"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("This school is not one of the survey's schools you can see.")},
    )
    municipality = forms.TypedChoiceField(
        label=_("Municipality"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("This municipality is not one of the survey's municipalities you can see.")
        },
    )
    date_from = forms.DateField(
        label=_("Cohorts starting from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    negative = forms.TypedChoiceField(
        label=_("Negative answers"),
        choices=[(2, "1–2"), (3, "1–3")],
        required=False,
        coerce=int,
        empty_value=2,
        error_messages={"invalid_choice": _("Choose 1–2 or 1–3.")},
    )
    sort = forms.ChoiceField(
        label=_("Order of aspects"),
        choices=[
            ("survey", _("As in the survey")),
            ("mean", _("Lowest mean first")),
            ("negative", _("Most negative first")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the orders offered.")},
    )

    COHORT_FILTERS = ("course", "cohort", "compare", "compare_course", "compare_year", "date_from", "date_to")
    COMPARISONS = ("compare", "compare_course", "compare_year")

    # How an error names its field where the short label would not read on its own ("to: Enter a valid date").
    error_names = {"date_to": _("Cohorts starting up to")}

    AREA_FIELDS = ("school", "municipality")

    def __init__(self, *args, cohorts, everything: bool, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.has_cohorts = bool(cohorts)
        self.has_schools = bool(schools)
        self.fields["school"].choices = [("", _("All schools"))] + [(s.pk, s.name) for s in schools]
        municipalities = {s.municipality_id: s.municipality.name for s in schools}
        self.fields["municipality"].choices = [("", _("All municipalities"))] + sorted(
            municipalities.items(), key=lambda kv: kv[1]
        )
        options = [(c.pk, f"{c.title} ({c.starts_on:%d.%m.%Y})") for c in cohorts]
        first = [("", _("All cohorts"))] if everything else []
        self.fields["cohort"].choices = first + options
        self.fields["compare"].choices = options
        courses = sorted({c.course_id: c.course.title for c in cohorts}.items(), key=lambda kv: kv[1])
        self.fields["course"].choices = [("", _("All courses")), *courses]
        self.fields["compare_course"].choices = courses
        self.fields["compare_year"].choices = [
            (y, str(y)) for y in sorted({c.starts_on.year for c in cohorts})
        ]
        for name, f in self.fields.items():
            f.widget.attrs["class"] = (
                "form-control form-control-sm"
                if name in ("date_from", "date_to")
                else "form-select form-select-sm"
            )

    def visible_filters(self) -> list:
        """The fields worth offering: the cohort filters only on a survey with cohorts, the school and
        municipality filters only on one across schools; the reading (negative answers, order) always."""
        return [
            f
            for f in self
            if (self.has_cohorts or f.name not in self.COHORT_FILTERS)
            and (self.has_schools or f.name not in self.AREA_FIELDS)
        ]

    def clean(self):
        data = super().clean()
        if not self.has_cohorts:
            for name in ("date_from", "date_to"):
                if data.get(name):
                    self.add_error(
                        name, _("The survey is not tied to cohorts: it cannot be filtered by their dates.")
                    )
        if sum(1 for name in self.COMPARISONS if data.get(name)) > 1:
            self.add_error(None, _("Compare cohorts, courses or years — one of them at a time."))
        if data.get("school") and data.get("municipality"):
            self.add_error("municipality", _("Choose a school or a municipality, not both."))
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        data["sort"] = data.get("sort") or "survey"
        return data

    def error_lines(self) -> list[str]:
        """Every error as one line naming its field, for the page and for the API's {"detail": [...]}."""
        lines = [str(e) for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            label = self.error_names.get(name, self.fields[name].label)
            lines += [f"{label}: {e}" for e in errors]
        return lines
