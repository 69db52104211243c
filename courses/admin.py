"""The methodologists' authoring tool: courses with ordered modules, lessons and assignments.

A methodologist sees and edits only the courses they author (superusers: all); status changes
go through the publish / archive / duplicate actions, which call the services.

One file: the authoring tool is one admin section: the inlines and forms here are used by the ModelAdmins
registered here, and the author-scoping mixin applies to all of them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User
from accounts.roles import Role
from core import markup
from core.files import AuthorizedFileWidget
from core.ical import sequence_bump_on_change

from . import services
from .models import (
    Assignment,
    Competency,
    CompetencyArea,
    Course,
    FaqEntry,
    Lesson,
    Module,
    Organisation,
    Quiz,
    QuizChoice,
    QuizItem,
    QuizQuestion,
    RubricCriterion,
    RubricLevel,
    Signatory,
)
from .selectors import courses_editable_by


def _author_candidates():
    return User.objects.filter(
        Q(groups__name=Role.METHODOLOGIST) | Q(is_superuser=True), is_active=True
    ).distinct()


def _lesson_length(value: str) -> None:
    markup.check_length(value, profile="lesson")


class MarkupLimitsMixin:
    """The Markdown fields an author writes are held to the lesson profile's length (a clear message)."""

    markup_fields = ("body", "instructions", "description")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.markup_fields:
            field.validators.append(_lesson_length)
        return field


class AuthorAutocompleteWidget(AutocompleteSelectMultiple):
    """Select2 autocomplete over methodologists only, served by CourseAdmin (no access to the user list)."""

    def get_url(self):
        return reverse("admin:courses_course_author_autocomplete")


# --- Competency framework -----------------------------------------------------------------


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 0
    fields = ["code", "name", "description"]


@admin.register(CompetencyArea)
class CompetencyAreaAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "position", "competency_count"]
    list_display_links = ["code", "name"]
    list_editable = ["position"]
    search_fields = ["code", "name"]
    inlines = [CompetencyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_competencies=Count("competencies"))

    @admin.display(description=_("competencies"), ordering="n_competencies")
    def competency_count(self, obj):
        return obj.n_competencies


@admin.register(Competency)
class CompetencyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "area"]
    list_filter = ["area"]
    search_fields = ["code", "name", "description"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]


# --- Courses -------------------------------------------------------------------------------


class AuthorScopedMixin:
    """Object-level rule shared by course, module, lesson and assignment admins."""

    def course_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.user_can_edit_course(request.user, self.course_of(obj))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.user_can_edit_course(request.user, self.course_of(obj))

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or services.user_can_edit_course(request.user, self.course_of(obj))


class FaqEntryInline(admin.StackedInline):
    """The course's FAQ, shown to every cohort: entries curators published from answered questions and
    ones the methodologists write; ordered by position."""

    model = FaqEntry
    extra = 0
    fields = ["position", "question", "answer"]
    ordering = ["position", "-created_at"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})},
        models.PositiveSmallIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 4em"})},
    }


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 1
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
        models.PositiveSmallIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 4em"})},
    }
    fields = ["position", "title", "description", "structure"]
    readonly_fields = ["structure"]
    ordering = ["position", "id"]
    show_change_link = True
    verbose_name_plural = _("modules (open a module to add its lessons and assignments)")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lessons", "assignments")

    @admin.display(description=_("lessons and assignments"))
    def structure(self, obj):
        if not obj.pk:
            return _("Save, then open the module to add lessons.")
        items = [(lesson.get_kind_display(), lesson.title) for lesson in obj.lessons.all()]
        items += [(_("Assignment"), a.title) for a in obj.assignments.all()]
        if not items:
            return _("No lessons yet")
        return format_html(
            "<ul class='course-structure'>{}</ul>",
            format_html_join("", "<li><small>{}</small> · {}</li>", items),
        )


@admin.register(Course)
class CourseAdmin(MarkupLimitsMixin, AuthorScopedMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "status",
        "language",
        "format",
        "level",
        "hours",
        "version",
        "author_names",
        "updated_at",
    ]
    list_filter = ["status", "language", "format", "level", "subjects", "competencies__area", "updated_at"]
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["competencies", "subjects"]
    save_as_continue = False
    readonly_fields = ["status", "version", "previous_version", "published_at", "updated_at", "preview"]
    inlines = [ModuleInline, FaqEntryInline]
    actions = ["publish", "archive", "duplicate"]
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "description", "cover", "preview")}),
        (
            _("Audience and format"),
            {
                "fields": (
                    "language",
                    "subjects",
                    "school_levels",
                    "target_audience",
                    "format",
                    "hours",
                    "level",
                )
            },
        ),
        (_("Competencies and authors"), {"fields": ("competencies", "authors", "organisation")}),
        (
            _("Status"),
            {
                "fields": ("status", "published_at", "version", "previous_version", "updated_at"),
                "description": _(
                    "Use the Publish / Archive / Duplicate actions in the course list to change it."
                ),
            },
        ),
    )

    class Media:
        css = {"all": ["courses/admin.css"]}

    def course_of(self, obj):
        return obj

    def get_queryset(self, request):
        qs = super().get_queryset(request).defer("search_vector").prefetch_related("authors")
        return (
            qs
            if request.user.is_superuser
            else qs.filter(pk__in=courses_editable_by(request.user).values("pk"))
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "school_levels":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name == "authors":
            kwargs["widget"] = AuthorAutocompleteWidget(db_field, self.admin_site)
            kwargs["queryset"] = _author_candidates()
            kwargs.setdefault(
                "help_text", _("Methodologists who may edit this course. You are added automatically.")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path(
                "author-autocomplete/",
                self.admin_site.admin_view(self.author_autocomplete),
                name="courses_course_author_autocomplete",
            ),
            *super().get_urls(),
        ]

    def author_autocomplete(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:100]
        qs = _author_candidates()
        if term:
            qs = qs.filter(Q(full_name__icontains=term) | Q(email__icontains=term))
        results = [
            {"id": str(u.pk), "text": f"{u.full_name or u.email} <{u.email}>"}
            for u in qs.order_by("full_name")[:20]
        ]
        return JsonResponse({"results": results, "pagination": {"more": False}})

    @admin.display(description=_("authors"))
    def author_names(self, obj):
        return ", ".join(a.full_name or a.email for a in obj.authors.all())

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj or not obj.pk:
            return _("Save the course to preview it.")
        return format_html(
            '<a class="button" href="{}?preview=1" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            _("Preview as a teacher"),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        course = form.instance
        if not request.user.is_superuser and not course.authors.filter(pk=request.user.pk).exists():
            course.authors.add(request.user)
        services.course_structure_changed(course_ids=[course.pk])

    def save_formset(self, request, form, formset, change):
        if formset.model is Assignment:
            for assignment_form in formset.forms:
                sequence_bump_on_change(form=assignment_form, fields=["title", "due_days"])
        instances = formset.save(commit=False)
        taken = {getattr(f.instance, "position", 0) for f in formset.forms if f.instance.pk}
        next_position = max(taken | {0})
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if hasattr(instance, "position") and not instance.position:
                next_position += 1
                instance.position = next_position
            instance.save()
        formset.save_m2m()

    def _run(self, request, queryset, service, done_message):
        done = 0
        for course in queryset:
            try:
                service(user=request.user, course=course)
                done += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Publish selected courses"), permissions=["change"])
    def publish(self, request, queryset):
        self._run(
            request,
            queryset,
            services.course_publish,
            lambda n: ngettext("%(n)d course published.", "%(n)d courses published.", n) % {"n": n},
        )

    @admin.action(description=_("Archive selected courses"), permissions=["change"])
    def archive(self, request, queryset):
        self._run(
            request,
            queryset,
            services.course_archive,
            lambda n: ngettext("%(n)d course archived.", "%(n)d courses archived.", n) % {"n": n},
        )

    @admin.action(description=_("Duplicate as a new version (draft)"), permissions=["add"])
    def duplicate(self, request, queryset):
        self._run(
            request,
            queryset,
            services.course_duplicate_as_new_version,
            lambda n: (
                ngettext(
                    "%(n)d new draft version created; the old version is unchanged.",
                    "%(n)d new draft versions created; the old versions are unchanged.",
                    n,
                )
                % {"n": n}
            ),
        )


class LessonInline(MarkupLimitsMixin, admin.StackedInline):
    model = Lesson
    extra = 1
    ordering = ["position", "id"]
    fields = [
        ("position", "title", "kind"),
        ("hours", "is_required"),
        "body",
        "video_url",
        "video_file",
        "material",
    ]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})},
        models.PositiveSmallIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 4em"})},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Lesson files are private: the link goes to the view that checks who asks (docs/decisions/0131).
        kind = {"video_file": "video", "material": "material"}.get(db_field.name)
        if kind is not None:
            kwargs["widget"] = AuthorizedFileWidget(
                lambda lesson, _file, kind=kind: reverse("cohorts:lesson_file", args=[lesson.pk, kind])
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AssignmentInline(MarkupLimitsMixin, admin.StackedInline):
    model = Assignment
    extra = 0
    ordering = ["position", "id"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})},
        models.PositiveSmallIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 5em"})},
    }
    fields = [
        ("position", "title"),
        "instructions",
        ("submission_kind", "max_score"),
        ("review_requires_comment", "due_days"),
        "rubric",
    ]
    readonly_fields = ["rubric"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("criteria")

    @admin.display(description=_("rubric"))
    def rubric(self, obj):
        return _rubric_summary(obj)


def _rubric_summary(assignment):
    """The rubric in a line, with the link to the page where it is authored."""
    if not assignment or not assignment.pk:
        return _("Save the assignment, then open it to add a rubric.")
    criteria = list(assignment.criteria.all())
    url = reverse("admin:courses_assignment_change", args=[assignment.pk])
    if not criteria:
        return format_html(
            '{} <a href="{}">{}</a>', _("No rubric: the reviewer gives one score."), url, _("Add a rubric")
        )
    return format_html(
        '{} <a href="{}">{}</a>',
        ngettext("%(n)d criterion:", "%(n)d criteria:", len(criteria)) % {"n": len(criteria)}
        + " "
        + ", ".join(c.title for c in criteria),
        url,
        _("Edit the rubric"),
    )


@admin.register(Module)
class ModuleAdmin(AuthorScopedMixin, SimpleHistoryAdmin):
    list_display = ["title", "course", "position", "lesson_count"]
    list_filter = ["course__status"]
    search_fields = ["title", "course__title"]
    list_select_related = ["course"]
    autocomplete_fields = ["course"]
    inlines = [LessonInline, AssignmentInline]
    save_on_top = True

    def course_of(self, obj):
        return obj.course

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_lessons=Count("lessons"))
        return qs if request.user.is_superuser else qs.filter(course__in=courses_editable_by(request.user))

    @admin.display(description=_("lessons"), ordering="n_lessons")
    def lesson_count(self, obj):
        return obj.n_lessons

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = courses_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        CourseAdmin.save_formset(self, request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.course_structure_changed(course_ids=[form.instance.course_id])

    def response_change(self, request, obj):
        if (
            "_continue" not in request.POST
            and "_addanother" not in request.POST
            and "_saveasnew" not in request.POST
        ):
            # Back to the course after saving a module: that is where the methodologist came from.
            self.message_user(
                request, _("Module “%(title)s” saved.") % {"title": obj.title}, messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:courses_course_change", args=[obj.course_id]))
        return super().response_change(request, obj)


# --- Rubrics: criteria × levels of an assignment (decision record 0281) ---------------------------


class RubricCriterionInline(admin.TabularInline):
    """The assignment's criteria, listed; each is authored with its levels on its own page (a criterion
    never exists without a level)."""

    model = RubricCriterion
    extra = 0
    max_num = 0
    can_delete = False  # deleted on the criterion's page, where the maximum score follows
    fields = ["position", "title", "levels_summary"]
    readonly_fields = ["position", "title", "levels_summary"]
    ordering = ["position", "id"]
    show_change_link = True
    verbose_name_plural = _("rubric criteria (open one to edit its levels)")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("levels")

    @admin.display(description=_("levels"))
    def levels_summary(self, obj):
        return format_html_join(
            " · ", "<b>{}</b> {}", ((lv.points, lv.descriptor[:60]) for lv in obj.levels.all())
        )


@admin.register(Assignment)
class AssignmentAdmin(MarkupLimitsMixin, AuthorScopedMixin, SimpleHistoryAdmin):
    list_display = ["title", "module", "max_score", "criteria_count"]
    search_fields = ["title", "module__title", "module__course__title"]
    list_select_related = ["module__course"]
    fields = [
        "module",
        ("position", "title"),
        "instructions",
        ("submission_kind", "max_score"),
        ("review_requires_comment", "due_days"),
        "rubric_state",
    ]
    readonly_fields = ["module", "rubric_state"]
    inlines = [RubricCriterionInline]

    def has_module_permission(self, request):
        return False  # reached from the module page, not from the admin index

    def has_add_permission(self, request):
        return False  # assignments are added on their module's page

    def course_of(self, obj):
        return obj.module.course

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_criteria=Count("criteria"))
        return (
            qs
            if request.user.is_superuser
            else qs.filter(module__course__in=courses_editable_by(request.user))
        )

    @admin.display(description=_("criteria"), ordering="n_criteria")
    def criteria_count(self, obj):
        return obj.n_criteria

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.criteria.exists():
            fields.append("max_score")  # the rubric's maximum
        return fields

    @admin.display(description=_("rubric"))
    def rubric_state(self, obj):
        if obj is None or obj.pk is None:
            return ""
        if services.rubric_is_frozen(obj):
            return _(
                "This rubric has already been used in reviews, so its criteria and levels can no longer change. "
                "To change it, duplicate the course as a new version."
            )
        add = reverse("admin:courses_rubriccriterion_add") + f"?assignment={obj.pk}"
        note = _(
            "With a rubric, the reviewer chooses a level for every criterion and the score is the sum of "
            "their points; the maximum score is the rubric's maximum."
        )
        return format_html('{}<br><a class="button" href="{}">{}</a>', note, add, _("Add a criterion"))

    def response_change(self, request, obj):
        if (
            "_continue" not in request.POST
            and "_addanother" not in request.POST
            and "_saveasnew" not in request.POST
        ):
            self.message_user(
                request, _("Assignment “%(title)s” saved.") % {"title": obj.title}, messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:courses_module_change", args=[obj.module_id]))
        return super().response_change(request, obj)


class RubricLevelFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # The rubric's rules first, with their own messages (the generic "duplicate data" comes after).
        if any(form.errors for form in self.forms):
            return super().clean()
        points = [
            form.cleaned_data["points"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("points") is not None
        ]
        try:
            services.rubric_check_levels(points=points)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        assignment = getattr(self.instance, "assignment", None)
        if assignment is not None:
            others = services.rubric_maximum(assignment=assignment)
            if self.instance.pk:
                others -= max((lv.points for lv in self.instance.levels.all()), default=0)
            if others + max(points) < 1:
                raise ValidationError(_("The rubric must give at least 1 point in total."))
        super().clean()


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    formset = RubricLevelFormSet
    extra = 3
    min_num = 1
    validate_min = True
    fields = ["points", "descriptor"]
    ordering = ["-points", "id"]
    formfield_overrides = {
        models.PositiveSmallIntegerField: {
            "widget": forms.NumberInput(attrs={"style": "width: 5em", "min": 0})
        },
        models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})},
    }
    verbose_name_plural = _("levels (points and what work at this level looks like)")


class RubricCriterionForm(forms.ModelForm):
    class Meta:
        model = RubricCriterion
        fields = ["assignment", "position", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:  # absent on a read-only (used) rubric
            self.fields["position"].required = False
            self.fields["position"].help_text = _("Empty: after the other criteria.")

    def clean_position(self):
        return self.cleaned_data.get("position") or 0

    def clean(self):
        cleaned = super().clean()
        assignment = cleaned.get("assignment")
        if assignment is not None:
            try:
                services.rubric_check_editable(assignment=assignment)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return cleaned


@admin.register(RubricCriterion)
class RubricCriterionAdmin(AuthorScopedMixin, SimpleHistoryAdmin):
    form = RubricCriterionForm
    list_display = ["title", "assignment", "position"]
    list_select_related = ["assignment__module__course"]
    inlines = [RubricLevelInline]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})},
        models.PositiveSmallIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 4em"})},
    }

    def has_module_permission(self, request):
        return False  # reached from the assignment's page

    def course_of(self, obj):
        return obj.assignment.module.course

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return (
            qs
            if request.user.is_superuser
            else qs.filter(assignment__module__course__in=courses_editable_by(request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignment":
            kwargs["queryset"] = Assignment.objects.filter(
                module__course__in=courses_editable_by(request.user), rubric_used_at__isnull=True
            ).select_related("module__course")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # A rubric used in reviews is shown read-only (the service refuses changes too).
        return super().has_change_permission(request, obj) and not (
            obj and services.rubric_is_frozen(obj.assignment)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj and services.rubric_is_frozen(obj.assignment)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and services.rubric_is_frozen(obj.assignment) and request.method == "GET":
            self.message_user(
                request,
                _(
                    "This rubric has already been used in reviews, so its criteria and levels can no longer change. "
                    "To change it, duplicate the course as a new version."
                ),
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change and not obj.position:
            obj.position = RubricCriterion.objects.filter(assignment=obj.assignment).count() + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.rubric_sync_max_score(assignment=form.instance.assignment)

    def delete_model(self, request, obj):
        assignment = obj.assignment
        services.rubric_check_editable(assignment=assignment)
        super().delete_model(request, obj)
        services.rubric_sync_max_score(assignment=assignment)

    def _back(self, obj):
        return HttpResponseRedirect(reverse("admin:courses_assignment_change", args=[obj.assignment_id]))

    def response_add(self, request, obj, post_url_continue=None):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, _("Criterion “%(title)s” saved.") % {"title": obj.title}, messages.SUCCESS)
        return self._back(obj)

    def response_change(self, request, obj):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, _("Criterion “%(title)s” saved.") % {"title": obj.title}, messages.SUCCESS)
        return self._back(obj)


class SignatoryInline(admin.StackedInline):
    """The people who sign the organisation's certificates, in the order of `position`."""

    model = Signatory
    extra = 0
    ordering = ["position", "id"]
    fields = [("position", "signature"), ("title", "name"), ("title_uk", "name_uk"), ("title_en", "name_en")]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "signature":  # private: linked to the view that checks who asks
            kwargs["widget"] = AuthorizedFileWidget(
                lambda signatory, _file: reverse("courses:signatory_signature", args=[signatory.pk])
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Who provides courses and issues their certificates: name in each language, logo, signatories."""

    list_display = ["name", "name_uk", "name_en"]
    search_fields = ["name", "name_uk", "name_en"]
    fields = ["name", "name_uk", "name_en", "logo"]
    inlines = [SignatoryInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "logo":
            kwargs["widget"] = AuthorizedFileWidget(
                lambda organisation, _file: reverse("courses:organisation_logo", args=[organisation.pk])
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# --- Quizzes: the course's question bank and the quiz of each quiz lesson -----------------------


class QuizChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The question's kind's rules over the question and its choices together (the form's values are
        on self.instance already), with their own messages."""
        super().clean()
        if any(form.errors for form in self.forms):
            return
        choices = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        question = self.instance
        try:
            services.quiz_question_check(
                kind=question.kind,
                choices=choices,
                accepted_answers=question.accepted_answers,
                true_false_answer=question.true_false_answer,
                numeric_answer=question.numeric_answer,
                tolerance=question.tolerance,
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class QuizChoiceInline(admin.TabularInline):
    model = QuizChoice
    formset = QuizChoiceFormSet
    extra = 4
    fields = ["position", "text", "is_correct", "match", "feedback"]
    ordering = ["position", "id"]
    verbose_name_plural = _(
        "choices (single and multiple choice: mark the correct ones; matching: each item with its match; "
        "ordering: the items in the correct order)"
    )
    formfield_overrides = {
        models.PositiveSmallIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 4em"})},
    }


class QuizQuestionForm(forms.ModelForm):
    class Meta:
        model = QuizQuestion
        fields = [
            "course",
            "kind",
            "topic",
            "position",
            "points",
            "text",
            "feedback",
            "true_false_answer",
            "accepted_answers",
            "numeric_answer",
            "tolerance",
        ]
        widgets = {"true_false_answer": forms.NullBooleanSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:  # absent on a read-only (used) question
            self.fields["position"].required = False
            self.fields["position"].help_text = _("Empty: after the other questions.")

    def clean_position(self):
        return self.cleaned_data.get("position") or 0

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                services.quiz_question_check_editable(question=self.instance)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return cleaned


@admin.register(QuizQuestion)
class QuizQuestionAdmin(MarkupLimitsMixin, AuthorScopedMixin, SimpleHistoryAdmin):
    """The course's question bank; a question used in an attempt is read-only (a new course version
    copies it as an editable row)."""

    form = QuizQuestionForm
    markup_fields = ("text", "feedback")
    list_display = ["short_text", "kind", "topic", "points", "course", "used"]
    list_filter = ["kind"]
    search_fields = ["text", "topic", "course__title"]
    list_select_related = ["course"]
    inlines = [QuizChoiceInline]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})},
    }

    def course_of(self, obj):
        return obj.course

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(course__in=courses_editable_by(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = courses_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("question"))
    def short_text(self, obj):
        return obj.text[:80]

    @admin.display(description=_("used in attempts"), boolean=True)
    def used(self, obj):
        return obj.used_at is not None

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj and services.quiz_question_is_frozen(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj and services.quiz_question_is_frozen(obj)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and services.quiz_question_is_frozen(obj) and request.method == "GET":
            self.message_user(request, services.QUIZ_FROZEN_MESSAGE, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change and not obj.position:
            obj.position = QuizQuestion.objects.filter(course=obj.course).count() + 1
        super().save_model(request, obj, form, change)


class QuizItemFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        lesson = getattr(self.instance, "lesson", None) if self.instance.lesson_id else None
        if lesson is None or any(form.errors for form in self.forms):
            return
        for form in self.forms:
            question = (form.cleaned_data or {}).get("question")
            if question is not None and not form.cleaned_data.get("DELETE"):
                if question.course_id != lesson.module.course_id:
                    raise ValidationError(_("A quiz draws only on its own course's question bank."))


class QuizItemInline(admin.TabularInline):
    model = QuizItem
    formset = QuizItemFormSet
    extra = 3
    fields = ["position", "question"]
    ordering = ["position", "id"]
    autocomplete_fields = ["question"]
    verbose_name_plural = _("fixed questions (for a quiz with fixed questions)")


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "lesson",
            "selection",
            "random_count",
            "random_topic",
            "shuffle",
            "pass_percent",
            "attempt_limit",
            "time_limit_minutes",
            "reveal_answers",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lesson") is not None:
            try:
                services.quiz_check_definition(
                    quiz=Quiz(**{k: v for k, v in cleaned.items() if k in self.Meta.fields})
                )
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return cleaned


@admin.register(Quiz)
class QuizAdmin(AuthorScopedMixin, SimpleHistoryAdmin):
    """The quiz of a lesson of kind "Quiz": which questions, attempts, time, pass mark, the answers' reveal."""

    form = QuizForm
    list_display = ["__str__", "course", "selection", "pass_percent", "attempt_limit", "time_limit_minutes"]
    list_select_related = ["lesson__module__course"]
    search_fields = ["lesson__title", "lesson__module__course__title"]
    inlines = [QuizItemInline]
    readonly_fields = ["statistics"]

    def course_of(self, obj):
        return obj.lesson.module.course

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return (
            qs
            if request.user.is_superuser
            else qs.filter(lesson__module__course__in=courses_editable_by(request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lesson":
            kwargs["queryset"] = Lesson.objects.filter(
                kind=Lesson.Kind.QUIZ, module__course__in=courses_editable_by(request.user)
            ).select_related("module__course")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("course"))
    def course(self, obj):
        return obj.lesson.module.course

    @admin.display(description=_("question statistics"))
    def statistics(self, obj):
        if obj is None or obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a>', reverse("cohorts:quiz_statistics", args=[obj.pk]), _("Open the statistics")
        )
