from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .models import REVIEW_COMMENT_MAX_CHARS, RUBRIC_COMMENT_MAX_CHARS, Review


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I want to take this course and agree to the cohort's schedule and completion rules."),
        required=True,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmissionForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None and assignment.submission_kind == "text":
            del self.fields["file"]
        if assignment is not None and assignment.submission_kind == "file":
            del self.fields["text"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Review.Decision.choices, widget=forms.RadioSelect
    )
    score = forms.IntegerField(label=_("Score"), min_value=0)
    comment = forms.CharField(
        label=_("Comment for the teacher"),
        required=False,
        max_length=REVIEW_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    flag = forms.ChoiceField(
        label=_("The answer is flagged as a possible copy"),
        choices=[
            (Review.Flag.CONFIRMED, _("It is a copy: send it back for revision")),
            (Review.Flag.DISMISSED, _("It is not a copy: dismiss the flag")),
        ],
        widget=forms.RadioSelect,
    )
    flag_reason = forms.CharField(
        label=_("Why the flag is dismissed"),
        required=False,
        max_length=REVIEW_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, assignment=None, flagged: bool = False, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        if not flagged:
            del self.fields["flag"]
            del self.fields["flag_reason"]
        if self.criteria:
            # Scored by the rubric: one level per criterion (its own levels only), an optional comment each;
            # the score is the sum of the levels' points, computed by the service.
            del self.fields["score"]
            rubric_fields = {}
            for criterion in self.criteria:
                rubric_fields[f"rubric_{criterion.pk}"] = forms.TypedChoiceField(
                    label=criterion.title,
                    help_text=escape(criterion.description),  # help texts are rendered as HTML
                    coerce=int,
                    choices=[
                        (
                            level.pk,
                            _("%(points)s pt. — %(descriptor)s")
                            % {"points": level.points, "descriptor": level.descriptor},
                        )
                        for level in criterion.levels.all()
                    ],
                    widget=forms.RadioSelect(attrs={"class": "rubric-level"}),
                    error_messages={
                        "required": _("Choose a level for this criterion."),
                        "invalid_choice": _("Choose one of this criterion's levels."),
                    },
                )
                rubric_fields[f"rubric_{criterion.pk}_comment"] = forms.CharField(
                    label=_("Comment on “%(criterion)s” (optional)") % {"criterion": criterion.title},
                    required=False,
                    max_length=RUBRIC_COMMENT_MAX_CHARS,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            # The rubric first, then the decision and the overall comment.
            self.fields = {**rubric_fields, **self.fields}
        if assignment is not None and "score" in self.fields:
            self.fields["score"].max_value = assignment.max_score
            self.fields["score"].widget.attrs["max"] = assignment.max_score
            self.fields["score"].help_text = _("0 to %(max)s") % {"max": assignment.max_score}
        if assignment is not None and assignment.review_requires_comment:
            self.fields["comment"].required = True

    def review_kwargs(self) -> dict:
        """What review_submit takes: the rubric's levels and comments by criterion id, the rest as is."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("rubric_")}
        if self.criteria:
            data["rubric"] = {
                c.pk: {
                    "level": self.cleaned_data[f"rubric_{c.pk}"],
                    "comment": self.cleaned_data.get(f"rubric_{c.pk}_comment", ""),
                }
                for c in self.criteria
            }
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    publish_faq = forms.BooleanField(
        label=_("Publish in the course FAQ (every cohort of the course sees it)"), required=False
    )


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=12)


class NominateForm(forms.Form):
    teachers = forms.ModelMultipleChoiceField(
        label=_("Teachers"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, teachers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = teachers


class MoveForm(forms.Form):
    to_cohort = forms.ModelChoiceField(label=_("Move to cohort"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, cohorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cohort"].queryset = cohorts


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, roster=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(e.pk), str(e.teacher)) for e in roster]


class SplitForm(forms.Form):
    groups = forms.IntegerField(label=_("Number of groups (N)"), min_value=2, max_value=50)
    max_size = forms.IntegerField(label=_("At most teachers per group (K)"), min_value=1, max_value=1000)
    unscored = forms.ChoiceField(
        label=_("Teachers without a placement score"),
        choices=[
            ("spread", _("Spread them evenly over the groups")),
            ("introductory", _("Put them into the introductory group(s)")),
        ],
        initial="spread",
        widget=forms.RadioSelect,
    )


def quiz_post_data(post, position: int) -> dict:
    """One question's fields of the attempt form (named q<position>, q<position>-<index>) as the
    kind-agnostic data services.quiz_answer_save reads: the value, the values, and indexed pairs."""
    name = f"q{position}"
    indexed = {
        key.split("-", 1)[1]: value
        for key, value in post.items()
        if key.startswith(f"{name}-") and key.split("-", 1)[1].isdigit()
    }
    value = post.get(name)
    return {
        "choice": value,
        "choices": post.getlist(name),
        "value": value,
        "text": value,
        "pairs": indexed,
        "ranks": indexed,
    }
