"""Thin forms: they parse input; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, Subject
from courses.models import Competency, Course

from .models import (
    LIKERT_ITEMS,
    MENTOR_HELP_MAX_LENGTH,
    GoalState,
    MeetingKind,
    MeetingStatus,
    PresentationKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LIKERT_CHOICES = [(i, str(i)) for i in range(1, 6)]


class PairProposeForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    focus_competencies = forms.ModelMultipleChoiceField(
        label=_("Focus competencies"),
        queryset=Competency.objects.order_by("code"),
        required=False,
    )
    end_date = forms.DateField(label=_("Planned end date"), required=False, widget=DATE)


class FocusForm(forms.Form):
    competencies = forms.TypedMultipleChoiceField(
        label=_("Focus competencies"), coerce=int, required=False, choices=()
    )

    def __init__(self, *args, competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = [(c.pk, str(c)) for c in competencies]


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=10)


class MentorProfileForm(forms.Form):
    willing = forms.BooleanField(label=_("I am willing to mentor a young colleague"), required=False)
    capacity = forms.IntegerField(
        label=_("How many mentees at the same time"), min_value=0, max_value=10, initial=2
    )
    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects I mentor in"),
        queryset=Subject.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the subjects of your profile."),
    )
    levels = forms.ModelMultipleChoiceField(
        label=_("School levels I mentor in"),
        queryset=Level.objects.order_by("pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the school levels of your profile."),
    )
    can_help_with = forms.CharField(
        label=_("What I can help with"),
        max_length=MENTOR_HELP_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PairGoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=255)
    competency = forms.TypedChoiceField(label=_("Competency"), coerce=int, choices=())
    due_date = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", "---------")] + [(c.pk, str(c)) for c in competencies]


class GoalStateForm(forms.Form):
    state = forms.ChoiceField(choices=GoalState.choices)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=MeetingStatus.choices, initial=MeetingStatus.HELD)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(
        label=_("Agreed next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown: **bold**, *italic*, lists and links."),
    )


class FeedbackForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {
            name: forms.TypedChoiceField(
                label=label,
                choices=LIKERT_CHOICES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "likert"}),
            )
            for name, label in LIKERT_ITEMS
        }
        self.fields = {**fields, **self.fields}


class PlanForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=255)
    competency = forms.TypedChoiceField(
        label=_("Competency"), coerce=int, required=False, empty_value=None, choices=()
    )
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    presentation_kind = forms.ChoiceField(
        label=_("Presentation of results"), choices=PresentationKind.choices
    )
    presentation_details = forms.CharField(label=_("Presentation details"), max_length=255, required=False)

    def __init__(self, *args, deficit=(), competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        deficit_ids = {c.pk for c in deficit}
        choices = [("", "---------")]
        if deficit:
            choices.append((_("From my deficit profile"), [(c.pk, str(c)) for c in deficit]))
            choices.append(
                (_("Other competencies"), [(c.pk, str(c)) for c in competencies if c.pk not in deficit_ids])
            )
        else:
            choices += [(c.pk, str(c)) for c in competencies]
        self.fields["competency"].choices = choices
        self.deficit_ids = deficit_ids


class PlanGoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=255)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.filter(status=Course.Status.PUBLISHED).order_by("title"),
        required=False,
    )
    cohort = forms.TypedChoiceField(
        label=_("Cohort"), coerce=int, required=False, empty_value=None, choices=()
    )
    event_link = forms.CharField(
        label=_("Community event"),
        max_length=500,
        required=False,
        help_text=_("Name or address of a community event (round table, master class...)."),
    )

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "---------")] + [
            (c.pk, f"{c.course} — {c.title} ({c.starts_on:%d.%m.%Y})") for c in cohorts
        ]
