"""The survey builder for methodologists: survey → sections → questions → options.

As with courses (course → modules → lessons), each level is edited on its parent's page: a survey with its
ordered sections, a section with its questions, a question with its options. A methodologist sees, and is
offered in every choice list, only the surveys they author. Every change goes through the builder services
(`surveys/services.py`), so the same rules hold here as everywhere: once a survey has responses nothing is
added, removed, reordered or re-scored ("Make a new version" copies it instead), and a survey is published
only when it can be completed (the list of what to fix is shown on the survey's page and by the action).
Anonymous responses are not shown anywhere in the admin; participations only to those allowed to see them.

One file: every builder page (survey, section, question, options) shares the same author scope, the same
frozen-once-answered forms and the same service-backed saving; split, the pages would drift apart.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors, services
from .models import Choice, CourseRecommendationRule, Participation, Question, ReminderStep, Section, Survey

FROZEN_QUESTION_FIELDS = (
    "kind",
    "section",
    "position",
    "competency",
    "weight",
    "min_value",
    "max_value",
    "is_required",
)


def _survey_of(obj) -> Survey | None:
    if obj is None or isinstance(obj, Survey):
        return obj
    if isinstance(obj, Section):
        return obj.survey
    if isinstance(obj, Question):
        return obj.section.survey
    return obj.question.section.survey


def _locked(obj) -> bool:
    survey = _survey_of(obj)
    return bool(survey and survey.pk and services.survey_has_responses(survey))


class BuilderForm(forms.ModelForm):
    """Asks the builder service whether this change is allowed before anything is saved (a form error if not)."""

    builder_user = None
    builder_check = None  # services.section_check / question_check / choice_check

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.has_changed():
            return
        try:
            type(self).builder_check(
                user=self.builder_user, **{self._meta.model._meta.model_name: self.instance}
            )
        except ValidationError as error:
            self.add_error(None, error)


class BuilderFormSet(forms.BaseInlineFormSet):
    """Deleting a row is a change too: refused with a message on a frozen survey (the service decides)."""

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk:
                try:
                    type(form).builder_check(
                        user=form.builder_user, deleting=True, **{self.model._meta.model_name: form.instance}
                    )
                except ValidationError as error:
                    raise ValidationError(error.messages) from error


def _builder_form(base, model, check, user):
    return type(
        f"{model.__name__}BuilderForm", (base,), {"builder_user": user, "builder_check": staticmethod(check)}
    )


class ScopedToAuthorsMixin:
    """Object-level rule for every builder page: only the survey's authors (superusers: all)."""

    def _allowed(self, request, obj) -> bool:
        survey = _survey_of(obj)
        return (
            survey is None
            or survey.pk is None
            or services.survey_user_can_edit(user=request.user, survey=survey)
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, obj)


class _BuilderInline(admin.options.InlineModelAdmin):
    """An ordered inline of a builder level; frozen (no add, delete or structural edit) once answered."""

    formset = BuilderFormSet
    builder_check = None
    frozen_fields: tuple = ()

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _builder_form(BuilderForm, self.model, type(self).builder_check, request.user)
        return super().get_formset(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None):
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        base = tuple(super().get_readonly_fields(request, obj))
        return base + self.frozen_fields if _locked(obj) else base


class SectionInline(_BuilderInline, admin.TabularInline):
    model = Section
    extra = 0
    fields = ("position", "title", "description", "question_count")
    readonly_fields = ("question_count",)
    frozen_fields = ("position",)
    show_change_link = True
    builder_check = services.section_check
    verbose_name_plural = _("sections (open a section to add its questions)")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    @admin.display(description=_("questions"))
    def question_count(self, obj):
        if not obj.pk:
            return _("Save, then open the section to add questions.")
        return getattr(obj, "n_questions", 0)


class QuestionInline(_BuilderInline, admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True
    frozen_fields = FROZEN_QUESTION_FIELDS
    builder_check = services.question_check
    fields = (
        ("position", "kind", "is_required"),
        "text",
        "help_text",
        ("competency", "weight"),
        ("min_value", "max_value"),
        ("label_1", "label_2", "label_3", "label_4", "label_5"),
    )
    autocomplete_fields = ("competency",)
    verbose_name_plural = _("questions (open a choice question to add its options)")


class ChoiceInline(_BuilderInline, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ("position", "text", "points")
    frozen_fields = ("position", "points")
    builder_check = services.choice_check


SERVICE_ENTITY = {
    "reminderstep": "reminder_step"
}  # model name → the services' entity name, where they differ


class BuilderSaveMixin:
    """Inline rows are written by the builder services (the checks ran in the forms; the services run them
    again inside the survey's row lock)."""

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            name = SERVICE_ENTITY.get(obj._meta.model_name, obj._meta.model_name)
            getattr(services, f"{name}_delete")(user=request.user, **{name: obj})
        for obj in instances:
            name = SERVICE_ENTITY.get(obj._meta.model_name, obj._meta.model_name)
            getattr(services, f"{name}_save")(user=request.user, **{name: obj})
        formset.save_m2m()


class SurveySettingsForm(forms.ModelForm):
    """Asks `services.survey_check` before saving: a school administrator's survey stays with their school."""

    builder_user = None

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            services.survey_check(
                user=self.builder_user, survey=self.instance, cohorts=self.cleaned_data.get("cohorts")
            )
        except ValidationError as error:
            self.add_error(None, error)


def _school_run(request) -> int | None:
    """The school a school administrator (not a methodologist) runs surveys for; None for the others."""
    try:
        return services.survey_school_of_author(request.user)
    except ValidationError:
        return None


class ReminderStepInline(admin.TabularInline):
    """A survey's reminder steps; none means the defaults (3 days after opening, 2 days before closing)."""

    model = ReminderStep
    extra = 0
    fields = ("days", "anchor")
    verbose_name_plural = _("reminder steps (none: 3 days after opening and 2 days before closing)")


@admin.register(Survey)
class SurveyAdmin(BuilderSaveMixin, ScopedToAuthorsMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "version",
        "kind",
        "is_anonymous",
        "is_published",
        "opens_at",
        "closes_at",
        "responses",
    )
    list_filter = ("kind", "is_published", "is_anonymous", "audience")
    search_fields = ("title",)
    inlines = (SectionInline, ReminderStepInline)
    filter_horizontal = ("authors", "cohorts")
    autocomplete_fields = ("course",)
    actions = ("publish", "unpublish", "copy_as_new_version")
    readonly_fields = (
        "is_published",
        "builder_state",
        "follow_up",
        "version",
        "previous_version",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "kind", "description", "what_next", "is_published", "builder_state")}),
        (
            _("Who and when"),
            {"fields": ("audience", "school", "municipality", "course", "cohorts", "opens_at", "closes_at")},
        ),
        (_("Options"), {"fields": ("is_anonymous", "deficit_threshold", "vulnerable_threshold", "authors")}),
        (_("Follow-up"), {"fields": ("remind_automatically", "follow_up")}),
        (_("Versions"), {"fields": ("version", "previous_version", "created_at")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = type("SurveyBuilderForm", (SurveySettingsForm,), {"builder_user": request.user})
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if _school_run(request) is None:
            return fieldsets
        # A school administrator's survey is for their own school: no other audience, course or cohorts.
        school_only = (_("Who and when"), {"fields": ("audience", "school", "opens_at", "closes_at")})
        return [school_only if name == _("Who and when") else (name, opts) for name, opts in fieldsets]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        school = _school_run(request)
        if school is not None and db_field.name == "audience":
            kwargs["choices"] = [(Survey.Audience.SCHOOL, Survey.Audience.SCHOOL.label)]
            kwargs["initial"] = Survey.Audience.SCHOOL
        if school is not None and db_field.name == "kind":
            kwargs["choices"] = [
                (k, label)
                for k, label in Survey.Kind.choices
                if k not in (Survey.Kind.FEEDBACK, Survey.Kind.PLACEMENT)
            ]
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if school is not None and db_field.name == "school" and field is not None:
            field.queryset = field.queryset.filter(pk=school)
            field.initial = school
            field.required = True
        return field

    def save_model(self, request, obj, form, change):
        services.survey_save(user=request.user, survey=obj)

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_participations=Count("participations", distinct=True))
        return qs.filter(pk__in=selectors.surveys_editable_by(request.user).values("pk"))

    @admin.display(description=_("responses"), ordering="n_participations")
    def responses(self, obj):
        return obj.n_participations

    @admin.display(description=_("before publishing"))
    def builder_state(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the survey, then add its sections and questions.")
        preview = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("surveys:preview", args=[obj.pk]),
            _("Preview as a teacher"),
        )
        if services.survey_has_responses(obj):
            return format_html(
                "{} {}",
                _(
                    "The survey has responses: its structure is frozen. "
                    "Use “Make a new version” to change it."
                ),
                preview,
            )
        problems = services.survey_publish_problems(obj)
        if not problems:
            return format_html("{} {}", _("Ready to publish."), preview)
        return format_html(
            "<strong>{}</strong><ul class='survey-problems'>{}</ul>{}",
            _("Fix before publishing:"),
            format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
            preview,
        )

    @admin.display(description=_("non-respondents"))
    def follow_up(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the survey first.")
        return format_html(
            '<a href="{}" id="non-respondents-link">{}</a>',
            reverse("surveys:non_respondents", args=[obj.pk]),
            _("Non-respondents and “Remind now”"),
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and services.survey_has_responses(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and services.survey_has_responses(obj):
            # The answers already given were collected under these rules.
            fields += ("kind", "is_anonymous")
        return fields

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        if not change:
            form.instance.authors.add(request.user)  # the creator authors it (before the sections are saved)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/new-version/",
                self.admin_site.admin_view(self.new_version),
                name="surveys_survey_new_version",
            ),
            *super().get_urls(),
        ]

    def new_version(self, request, object_id):
        """POST from the survey's page: copy it as an editable draft and open the copy."""
        survey = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, survey):
            raise PermissionDenied
        copy = services.survey_copy_as_new_version(survey=survey, user=request.user)
        self.message_user(
            request,
            _("Version %(n)d created as a draft; the answered version is unchanged.") % {"n": copy.version},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[copy.pk]))

    def _run(self, request, queryset, service, done_message):
        done = 0
        for survey in queryset:
            try:
                service(user=request.user, survey=survey)
                done += 1
            except ValidationError as error:
                self.message_user(
                    request,
                    format_html(
                        "“{}”: {}<ul>{}</ul>",
                        survey.title,
                        _("cannot be published yet. Fix:"),
                        format_html_join("", "<li>{}</li>", ((m,) for m in error.messages)),
                    ),
                    messages.ERROR,
                )
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Publish selected surveys"), permissions=["change"])
    def publish(self, request, queryset):
        self._run(
            request,
            queryset,
            services.survey_publish,
            lambda n: ngettext("%(n)d survey published.", "%(n)d surveys published.", n) % {"n": n},
        )

    @admin.action(description=_("Unpublish selected surveys"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._run(
            request,
            queryset,
            services.survey_unpublish,
            lambda n: ngettext("%(n)d survey unpublished.", "%(n)d surveys unpublished.", n) % {"n": n},
        )

    @admin.action(description=_("Copy as a new version"), permissions=["change"])
    def copy_as_new_version(self, request, queryset):
        copies = [
            services.survey_copy_as_new_version(survey=survey, user=request.user) for survey in queryset
        ]
        self.message_user(
            request,
            ngettext(
                "%(n)d new version created (unpublished).",
                "%(n)d new versions created (unpublished).",
                len(copies),
            )
            % {"n": len(copies)},
            messages.SUCCESS,
        )


@admin.register(Section)
class SectionAdmin(BuilderSaveMixin, ScopedToAuthorsMixin, admin.ModelAdmin):
    list_display = ("title", "survey", "position")
    search_fields = ("title", "survey__title")
    list_select_related = ("survey",)
    inlines = (QuestionInline,)
    fields = ("survey", "position", "title", "description")

    def get_queryset(self, request):
        return selectors.sections_editable_by(request.user)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = _builder_form(BuilderForm, Section, services.section_check, request.user)
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("survey", "position") if _locked(obj) else ("survey",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "survey":
            kwargs["queryset"] = selectors.surveys_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.section_save(user=request.user, section=obj)

    def delete_model(self, request, obj):
        services.section_delete(user=request.user, section=obj)

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            # Back to the survey after saving a section: that is where the methodologist came from.
            self.message_user(
                request, _("Section “%(title)s” saved.") % {"title": obj.title}, messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[obj.survey_id]))
        return super().response_change(request, obj)


@admin.register(Question)
class QuestionAdmin(BuilderSaveMixin, ScopedToAuthorsMixin, admin.ModelAdmin):
    list_display = ("text", "survey_title", "section", "kind", "competency", "weight")
    list_filter = ("kind",)
    search_fields = ("text",)
    inlines = (ChoiceInline,)
    autocomplete_fields = ("competency",)
    list_select_related = ("section__survey", "competency")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(section__in=selectors.sections_editable_by(request.user))

    @admin.display(description=_("survey"), ordering="section__survey__title")
    def survey_title(self, obj):
        return obj.section.survey.title

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = _builder_form(BuilderForm, Question, services.question_check, request.user)
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = selectors.sections_editable_by(request.user).order_by(
                "survey__title", "position", "id"
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda s: f"{s.survey.title} → {s.title}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return FROZEN_QUESTION_FIELDS if obj is not None and _locked(obj) else ()

    def has_delete_permission(self, request, obj=None):
        return not _locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.question_save(user=request.user, question=obj)

    def delete_model(self, request, obj):
        services.question_delete(user=request.user, question=obj)


@admin.register(CourseRecommendationRule)
class CourseRecommendationRuleAdmin(admin.ModelAdmin):
    list_display = ("competency", "course", "mode")
    list_filter = ("mode",)
    autocomplete_fields = ("competency", "course")


class VisibleSurveyFilter(admin.SimpleListFilter):
    """The survey filter lists only surveys whose participations the user may see."""

    title = _("survey")
    parameter_name = "survey"

    def lookups(self, request, model_admin):
        visible = selectors.participations_visible_to(request.user).values("survey_id")
        return [(s.pk, str(s)) for s in Survey.objects.filter(pk__in=visible).order_by("title", "pk")]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(survey_id=value) if value and value.isdigit() else queryset


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    """Who has taken part (for follow-up), shown to the survey's authors and, for named surveys, to those whose
    scope covers the person (selectors.participations_visible_to). What they answered is not reachable here."""

    list_display = ("survey", "user", "cohort", "submitted_on", "level")
    list_filter = (VisibleSurveyFilter,)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("survey", "user", "cohort")

    def get_queryset(self, request):
        return selectors.participations_visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
