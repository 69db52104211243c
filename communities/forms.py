"""Thin forms: they parse input; the rules live in services.py."""

import zoneinfo

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Subject
from core.timezones import time_zone_choices

from .models import EventKind, FollowLevel, MaterialKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"}
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _live_preview(field: forms.Field) -> None:
    """htmx: the text is POSTed to the preview endpoint as the member types; the answer fills #md-preview."""
    field.widget.attrs.update(
        {
            "hx-post": reverse_lazy("communities:preview"),
            "hx-trigger": "input changed delay:500ms, load",
            "hx-target": "#md-preview",
            "hx-swap": "innerHTML",
        }
    )


MARKDOWN_HELP = _(
    "Markdown: **bold**, *italic*, [link](https://…), lists, > quotes. Mention a member: type @ and the start of their name."
)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Your question or message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
        max_length=20_000,
    )
    files = MultipleFileField(label=_("Attachments (images, PDF, office documents; up to 10 MB each)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _live_preview(self.fields["body"])


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}), help_text=MARKDOWN_HELP, max_length=20_000
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    files = MultipleFileField(label=_("Attachments (images, PDF, office documents; up to 10 MB each)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _live_preview(self.fields["body"])


class PostEditForm(forms.Form):
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), help_text=MARKDOWN_HELP, max_length=20_000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _live_preview(self.fields["body"])


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class JoinForm(forms.Form):
    message = forms.CharField(label=_("A note to the moderators (optional)"), required=False, max_length=500)


class FollowForm(forms.Form):
    level = forms.ChoiceField(label=_("Following"), choices=FollowLevel.choices)
    watch_new_topics = forms.BooleanField(label=_("Tell me about every new topic"), required=False)


class TopicFollowForm(forms.Form):
    level = forms.ChoiceField(label=_("Following"), choices=FollowLevel.choices)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
        max_length=20_000,
    )
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.all(), required=False)
    grade_from = forms.IntegerField(label=_("From grade"), min_value=1, max_value=11, required=False)
    grade_to = forms.IntegerField(label=_("To grade"), min_value=1, max_value=11, required=False)
    tags = forms.CharField(label=_("Tags, separated by commas"), required=False, max_length=300)
    files = MultipleFileField(label=_("Files (images, PDF, office documents; up to 10 MB each)"))

    def clean(self):
        data = super().clean()
        if data.get("grade_from") and data.get("grade_to") and data["grade_from"] > data["grade_to"]:
            self.add_error("grade_to", _("“From grade” must not be above “to grade”."))
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _live_preview(self.fields["description"])


class MaterialEditForm(MaterialForm):
    """The author's edit: the same fields, files optional, and the attached ones that may be removed."""

    remove_files = forms.TypedMultipleChoiceField(
        label=_("Remove files"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].label = _("Add files (images, PDF, office documents; up to 10 MB each)")
        self.fields["remove_files"].choices = [(a.pk, a.original_name) for a in attachments]
        if not attachments:
            del self.fields["remove_files"]

    @classmethod
    def initial_for(cls, material) -> dict:
        return {
            "title": material.title,
            "kind": material.kind,
            "description": material.description,
            "subject": material.subject_id,
            "grade_from": material.grade_from,
            "grade_to": material.grade_to,
            "tags": ", ".join(tag.name for tag in material.tags.all()),
        }


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, choices=[(i, str(i)) for i in range(1, 6)]
    )


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    # Our region's zones first with readable names, then the rest grouped by area (core/timezones.py).
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="Europe/Moscow")
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    online_url = forms.URLField(label=_("Link to join"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Places (empty: no limit)"), required=False, min_value=1)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )

    @classmethod
    def initial_for(cls, event) -> dict:
        """The edit form shows the times as the event's own zone writes them (the same zone it reads them in)."""
        tz = zoneinfo.ZoneInfo(event.time_zone)
        fields = ("title", "kind", "time_zone", "place", "online_url", "capacity", "description")
        initial = {name: getattr(event, name) for name in fields}
        for name in ("starts_at", "ends_at"):
            initial[name] = (
                getattr(event, name).astimezone(tz).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
            )
        return initial

    def clean(self):
        """The times are read in the event's own time zone, not the server's."""
        data = super().clean()
        tz_name = data.get("time_zone")
        if tz_name:
            tz = zoneinfo.ZoneInfo(tz_name)
            for name in ("starts_at", "ends_at"):
                value = data.get(name)
                if value is not None:
                    data[name] = value.replace(tzinfo=None).replace(tzinfo=tz)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("An event must end after it starts."))
        return data


class RecordingForm(forms.Form):
    recording_url = forms.URLField(label=_("Link to the recording"), assume_scheme="https")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
