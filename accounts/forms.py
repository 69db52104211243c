from django import forms
from django.utils.translation import gettext_lazy as _

from core.i18n import language_from_request

from .models import Level, Municipality, Position, School, Subject, User
from .roles import Role
from .services import user_assign_role

LANGUAGE_FIELD_CHOICES = User.LANGUAGE_CHOICES


class SignupExtraForm(forms.Form):
    """Extra sign-up fields; allauth's SignupForm inherits from it and calls signup()."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_FIELD_CHOICES,
        required=False,
        help_text=_("Notifications, mails and certificates come in this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Preselected: the language the browser asked for (LocaleMiddleware has activated it).
        self.fields["preferred_language"].initial = language_from_request()

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.preferred_language = self.cleaned_data.get("preferred_language") or language_from_request(
            request
        )
        user.save(update_fields=["full_name", "preferred_language"])
        user_assign_role(user=user, role=Role.TEACHER)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_FIELD_CHOICES,
        help_text=_("Notifications, mails and certificates come in this language."),
    )
    also_course_languages = forms.MultipleChoiceField(
        label=_("Also show courses in"),
        choices=LANGUAGE_FIELD_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Courses in your language and in the languages ticked here come first; courses in other "
            "languages follow and are marked."
        ),
    )
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.all())
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.select_related("municipality"))
    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects you teach"),
        queryset=Subject.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    school_levels = forms.ModelMultipleChoiceField(
        label=_("School levels"),
        queryset=Level.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    position = forms.ChoiceField(label=_("Position"), choices=[("", "—")] + Position.choices)
    years_of_experience = forms.IntegerField(
        label=_("Years of teaching experience"), min_value=0, max_value=70
    )

    def __init__(self, *args, municipality_id=None, school_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if school_locked:
            # A person who has a school moves only through an approved request (decision 0393):
            # the fields are gone, so a posted school id is never read.
            del self.fields["municipality"]
            del self.fields["school"]
        if municipality_id and not school_locked:
            self.fields["school"].queryset = School.objects.filter(municipality_id=municipality_id)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        if not school_locked:
            self.fields["municipality"].widget.attrs.update(
                {"hx-get": "/accounts/schools/", "hx-target": "#id_school", "hx-trigger": "change"}
            )

    def clean(self):
        data = super().clean()
        if "school" not in self.fields:
            return data
        municipality, school = data.get("municipality"), data.get("school")
        if municipality and school is None and self.data.get("school"):
            # The school exists but was filtered out: it belongs to another municipality.
            if School.objects.filter(pk=self.data.get("school")).exists():
                self.add_error("school", _("This school is not in the chosen municipality."))
        if municipality and school and school.municipality_id != municipality.pk:
            self.add_error("school", _("This school is not in the chosen municipality."))
        return data

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "also_course_languages": [c for c in user.also_course_languages.split(",") if c],
            "municipality": user.municipality_id,
            "school": user.school_id,
            "subjects": list(user.subjects.all()),
            "school_levels": list(user.school_levels.all()),
            "position": user.position,
            "years_of_experience": user.years_of_experience,
        }


class SchoolMoveForm(forms.Form):
    """A teacher asks to move to another school: the receiving school's administrator decides."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.all(), required=False
    )
    to_school = forms.ModelChoiceField(
        label=_("New school"),
        queryset=School.objects.select_related("municipality"),
        error_messages={"invalid_choice": _("There is no such school.")},
    )
    reason = forms.CharField(
        label=_("Why are you moving?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The receiving school's administrator reads this."),
    )

    def __init__(self, *args, municipality_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipality_id and str(municipality_id).isdigit():
            self.fields["to_school"].queryset = School.objects.filter(municipality_id=municipality_id)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["municipality"].widget.attrs.update(
            {"hx-get": "/accounts/schools/", "hx-target": "#id_to_school", "hx-trigger": "change"}
        )


class SchoolMoveRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=_("The teacher reads this."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, for example “School e-journal”."),
    )
