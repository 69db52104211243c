"""The survey builder for methodologists.

Sections and questions are ordered inlines; choices are edited on the question. Once a survey has
responses its structure is frozen (no adding/removing questions, sections or choices, no change of kind,
competency, weight, range or points): "Copy as a new version" makes an editable copy instead.
Anonymous responses are not shown anywhere in the admin.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Choice, CourseRecommendationRule, Participation, Question, Section, Survey

FROZEN_QUESTION_FIELDS = ("kind", "section", "competency", "weight", "min_value", "max_value", "is_required")


class _FrozenWhenAnsweredMixin:
    """Inline behaviour for a survey that already has responses: nothing added, removed or re-scored."""

    frozen_fields: tuple = ()

    def _survey_locked(self, obj) -> bool:
        survey = obj if isinstance(obj, Survey) else getattr(obj, "survey", None)
        return bool(survey and survey.pk and services.survey_has_responses(survey))

    def has_add_permission(self, request, obj=None):
        if self._survey_locked(obj):
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._survey_locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        base = tuple(super().get_readonly_fields(request, obj))
        return base + self.frozen_fields if self._survey_locked(obj) else base


class SectionInline(_FrozenWhenAnsweredMixin, admin.TabularInline):
    model = Section
    extra = 0
    fields = ("position", "title", "description")


class QuestionInline(_FrozenWhenAnsweredMixin, admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True
    frozen_fields = FROZEN_QUESTION_FIELDS
    fields = (
        ("position", "section", "kind", "is_required"),
        "text",
        "help_text",
        ("competency", "weight"),
        ("min_value", "max_value"),
        ("label_1", "label_2", "label_3", "label_4", "label_5"),
    )
    autocomplete_fields = ("competency",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            survey_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Section.objects.filter(survey_id=survey_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChoiceInline(_FrozenWhenAnsweredMixin, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ("position", "text", "points")
    frozen_fields = ("points",)

    def _survey_locked(self, obj) -> bool:
        return bool(obj and obj.pk and services.survey_has_responses(obj.survey))


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "version", "kind", "is_anonymous", "is_published", "opens_at", "closes_at", "responses")
    list_filter = ("kind", "is_published", "is_anonymous", "audience")
    search_fields = ("title",)
    inlines = (SectionInline, QuestionInline)
    filter_horizontal = ("authors", "cohorts")
    autocomplete_fields = ("course",)
    actions = ("copy_as_new_version",)
    readonly_fields = ("version", "previous_version", "created_at")
    fieldsets = (
        (None, {"fields": ("title", "kind", "description", "what_next", "is_published")}),
        (_("Who and when"), {"fields": ("audience", "school", "course", "cohorts", "opens_at", "closes_at")}),
        (_("Options"), {"fields": ("is_anonymous", "deficit_threshold", "authors")}),
        (_("Versions"), {"fields": ("version", "previous_version", "created_at")}),
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_participations=Count("participations", distinct=True))
        if request.user.is_superuser:
            return qs
        return qs.filter(authors=request.user)

    @admin.display(description=_("responses"), ordering="n_participations")
    def responses(self, obj):
        return obj.n_participations

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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            obj.authors.add(request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            form.instance.authors.add(request.user)

    @admin.action(description=_("Copy as a new version"))
    def copy_as_new_version(self, request, queryset):
        copies = [services.survey_copy_as_new_version(survey=survey) for survey in queryset]
        self.message_user(
            request,
            ngettext("%(n)d new version created (unpublished).", "%(n)d new versions created (unpublished).",
                     len(copies)) % {"n": len(copies)},
            messages.SUCCESS,
        )


@admin.register(Question)
class QuestionAdmin(_FrozenWhenAnsweredMixin, admin.ModelAdmin):
    list_display = ("text", "survey", "kind", "competency", "weight")
    list_filter = ("kind",)
    search_fields = ("text",)
    inlines = (ChoiceInline,)
    frozen_fields = FROZEN_QUESTION_FIELDS + ("survey",)
    autocomplete_fields = ("competency",)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("survey", "competency")
        return qs if request.user.is_superuser else qs.filter(survey__authors=request.user)

    def has_add_permission(self, request, obj=None):
        return admin.ModelAdmin.has_add_permission(self, request)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self._survey_locked(obj):
            return self.frozen_fields
        return ()


@admin.register(CourseRecommendationRule)
class CourseRecommendationRuleAdmin(admin.ModelAdmin):
    list_display = ("competency", "course", "mode")
    list_filter = ("mode",)
    autocomplete_fields = ("competency", "course")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    """Who has taken part (for follow-up). What they answered is deliberately not reachable from here."""

    list_display = ("survey", "user", "cohort", "submitted_on", "level")
    list_filter = ("survey",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("survey", "user", "cohort")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
