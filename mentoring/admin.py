from django.contrib import admin

from core.ical import sequence_bump_on_change

from .models import DevelopmentPlan, Feedback, Meeting, MentoringPair, MentorProfile, PairGoal, PlanGoal


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "willing", "capacity"]
    list_filter = ["willing"]
    filter_horizontal = ["subjects", "levels"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]


class PairGoalInline(admin.TabularInline):
    model = PairGoal
    extra = 0
    raw_id_fields = ["competency"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["date", "kind", "status", "notes", "next_steps"]


@admin.register(MentoringPair)
class MentoringPairAdmin(admin.ModelAdmin):
    """Read mostly: pairs are set up and ended through the product's pages, which keep the rules."""

    list_display = ["mentor", "mentee", "state", "start_date", "end_date"]
    list_filter = ["state", "mentee__school__municipality"]
    search_fields = ["mentor__full_name", "mentee__full_name", "mentor__email", "mentee__email"]
    list_select_related = ["mentor", "mentee"]
    readonly_fields = [
        "mentor",
        "mentee",
        "state",
        "mentor_accepted_at",
        "mentee_accepted_at",
        "created_by",
        "created_at",
        "ended_at",
    ]
    inlines = [PairGoalInline, MeetingInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Meeting:
            for meeting_form in formset.forms:
                sequence_bump_on_change(form=meeting_form, fields=["date", "kind", "status"])
        super().save_formset(request, form, formset, change)


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["pair", "period", "availability", "usefulness", "advice", "confidence", "submitted_at"]
    list_select_related = ["pair__mentor", "pair__mentee"]


class PlanGoalInline(admin.TabularInline):
    model = PlanGoal
    extra = 0
    raw_id_fields = ["course"]


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(admin.ModelAdmin):
    list_display = ["topic", "teacher", "period_start", "period_end", "state"]
    list_filter = ["state", "presentation_kind"]
    search_fields = ["topic", "teacher__full_name", "teacher__email"]
    list_select_related = ["teacher"]
    raw_id_fields = ["teacher"]
    inlines = [PlanGoalInline]
