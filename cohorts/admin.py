"""Methodologists and curators manage cohorts here; each sees only the cohorts they run.

State changes of enrollments go through the services (buttons on the site and admin actions),
never through editing the state field, so the audit trail stays complete.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.selectors import users_with_role
from core.ical import sequence_bump_on_change
from core.jobs import JOB_ADMIN_FIELDS
from courses.models import Course

from . import services
from .forms import MoveForm, SplitForm
from .models import (
    Announcement,
    BulkOperation,
    Cohort,
    Enrollment,
    EnrollmentEvent,
    LiveSession,
    Nomination,
    Question,
    SeatQuota,
    Submission,
)
from .selectors import cohorts_managed_by


class ManagedCohortsMixin:
    """Scope every changelist and object lookup to the user's cohorts."""

    cohort_path = "cohort"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.cohort_path}__in": cohorts_managed_by(request.user).values("pk")})


class LiveSessionInline(admin.StackedInline):
    """Stacked, not a table: six columns with two links and a split date/time made the cohort form
    2,152 px wide (it must fit a 1366 px screen, tests/e2e/test_cohort_admin_width.py)."""

    model = LiveSession
    extra = 0
    fields = [("title", "checkin_code"), ("starts_at", "duration_minutes"), "link", "recording_url"]


class SeatQuotaInline(admin.TabularInline):
    model = SeatQuota
    extra = 0
    autocomplete_fields = []
    fields = ["municipality", "school", "seats", "release_at"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "status", "level", "starts_on", "ends_on", "capacity"]
    list_filter = ["status", "level"]
    search_fields = ["title", "course__title"]
    filter_horizontal = ["curators", "restricted_to_municipalities", "restricted_to_schools"]
    inlines = [LiveSessionInline, SeatQuotaInline]
    actions = ["split_action", "close_action"]
    readonly_fields = ["parent"]

    class Media:
        css = {"all": ["cohorts/admin.css"]}

    fieldsets = [
        (None, {"fields": ["course", "title", "status", "level", "capacity", "curators", "parent"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "starts_on",
                    "ends_on",
                    "enrollment_opens_at",
                    "enrollment_closes_at",
                    "withdrawal_deadline",
                ]
            },
        ),
        (
            _("Who may enrol"),
            {"fields": ["restricted_to_municipalities", "restricted_to_schools", "offer_hours"]},
        ),
        (_("Certificate"), {"fields": ["certificate_template"]}),
        (
            _("Completion rules"),
            {
                "fields": [
                    "require_lessons",
                    "require_assignments",
                    "min_attendance_percent",
                    "require_feedback",
                    "response_target_hours",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            cohorts_managed_by(request.user)
            if not request.user.is_superuser
            else super().get_queryset(request)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course" and not request.user.is_superuser:
            # Published courses, and the drafts the methodologist authors.
            kwargs["queryset"] = Course.objects.filter(
                Q(status=Course.Status.PUBLISHED)
                | Q(pk__in=Course.authors.through.objects.filter(user_id=request.user.pk).values("course_id"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "curators":
            kwargs["queryset"] = users_with_role(Role.CURATOR)  # never teachers or other accounts
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        sequence_bump_on_change(form=form, fields=["starts_on"])  # deadlines count from it
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is LiveSession:
            for session_form in formset.forms:
                sequence_bump_on_change(
                    form=session_form,
                    fields=["title", "starts_at", "duration_minutes", "link", "recording_url"],
                )
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A curator who creates a cohort runs it: keep them among its curators.
        if not change and not request.user.is_superuser:
            form.instance.curators.add(request.user)

    @admin.action(description=_("Split into groups of at most K by level"))
    def split_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one cohort to split."), messages.WARNING)
            return None
        cohort = queryset.get()
        form = SplitForm(request.POST if "groups" in request.POST else None)
        if form.is_valid():
            try:
                op = services.bulk_operation_start(
                    kind="split", cohort=cohort, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                return redirect("cohorts:bulk", op.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Split “%(cohort)s”") % {"cohort": cohort},
            "cohort": cohort,
            "form": form,
            "enrolled": cohort.enrollments.filter(state=Enrollment.State.ENROLLED).count(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/cohorts/split.html", context)

    @admin.action(description=_("Close: mark who did not meet the completion rules"))
    def close_action(self, request, queryset):
        for cohort in queryset:
            count = services.cohort_close(cohort=cohort, actor=request.user)
            self.message_user(request, _("%(cohort)s: %(n)s not completed.") % {"cohort": cohort, "n": count})


class EnrollmentEventInline(admin.TabularInline):
    model = EnrollmentEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "from_state", "to_state", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ManagedCohortsMixin, admin.ModelAdmin):
    list_display = ["teacher", "cohort", "state", "created_at", "offer_expires_at", "completed_at"]
    list_filter = ["state"]
    search_fields = ["teacher__email", "teacher__full_name", "cohort__title"]
    list_select_related = ["teacher", "cohort"]
    readonly_fields = [f.name for f in Enrollment._meta.fields if f.name != "placement_score"]
    inlines = [EnrollmentEventInline]
    actions = ["move_action"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Move to another cohort of the same course"))
    def move_action(self, request, queryset):
        cohort_ids = set(queryset.values_list("cohort_id", flat=True))
        if len(cohort_ids) != 1:
            self.message_user(request, _("Choose teachers of one cohort at a time."), messages.WARNING)
            return None
        cohort = cohorts_managed_by(request.user).get(pk=cohort_ids.pop())
        targets = cohorts_managed_by(request.user).filter(course_id=cohort.course_id).exclude(pk=cohort.pk)
        form = MoveForm(request.POST if "to_cohort" in request.POST else None, cohorts=targets)
        if form.is_valid():
            try:
                op = services.bulk_operation_start(
                    kind="move",
                    cohort=cohort,
                    actor=request.user,
                    ids=list(queryset.values_list("pk", flat=True)),
                    to_cohort=form.cleaned_data["to_cohort"].pk,
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                return redirect("cohorts:bulk", op.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Move %(n)s teachers from “%(cohort)s”") % {"n": queryset.count(), "cohort": cohort},
            "form": form,
            "selected": list(queryset.values_list("pk", flat=True)),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/cohorts/move.html", context)


@admin.register(Nomination)
class NominationAdmin(ManagedCohortsMixin, admin.ModelAdmin):
    cohort_path = "enrollment__cohort"
    list_display = ["enrollment", "nominated_by", "decision", "created_at", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["enrollment__teacher", "enrollment__cohort", "nominated_by"]
    readonly_fields = ["enrollment", "nominated_by", "decision", "decided_at", "reason"]


@admin.register(BulkOperation)
class BulkOperationAdmin(ManagedCohortsMixin, admin.ModelAdmin):
    list_display = ["kind", "cohort", "state", "done", "failed", "total", "created_at"]
    readonly_fields = [
        "kind",
        "cohort",
        "created_by",
        "payload",
        "failed",
        "messages",
        "position",
        *JOB_ADMIN_FIELDS,
    ]


@admin.register(Announcement)
class AnnouncementAdmin(ManagedCohortsMixin, admin.ModelAdmin):
    list_display = ["title", "cohort", "created_at"]


@admin.register(Question)
class QuestionAdmin(ManagedCohortsMixin, admin.ModelAdmin):
    list_display = ["text", "cohort", "created_at", "answered_at", "in_faq"]
    list_filter = [("faq_entry", admin.EmptyFieldListFilter)]
    readonly_fields = ["faq_entry"]

    @admin.display(description=_("in the course FAQ"), boolean=True)
    def in_faq(self, obj) -> bool:
        return obj.is_faq


@admin.register(Submission)
class SubmissionAdmin(ManagedCohortsMixin, admin.ModelAdmin):
    cohort_path = "enrollment__cohort"
    list_display = ["assignment", "enrollment", "state", "submitted_at", "score", "similarity"]
    list_filter = ["state"]
    list_select_related = ["assignment", "enrollment__teacher", "enrollment__cohort"]
    readonly_fields = [
        "enrollment",
        "assignment",
        "state",
        "submitted_at",
        "score",
        "reviewed_at",
        "similar_to",
        "similarity",
    ]


from .certificates.admin import issue_certificates  # noqa: E402  (certificates: models and actions)

CohortAdmin.actions = [*CohortAdmin.actions, issue_certificates]
