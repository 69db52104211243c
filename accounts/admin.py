from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    ApiToken,
    Level,
    Municipality,
    School,
    SchoolChange,
    SchoolChangeHow,
    SchoolMoveRequest,
    Subject,
    User,
)
from .services import school_change_record


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    list_select_related = ["municipality"]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "school", "position", "years_of_experience", "is_staff"]
    list_filter = ["groups", "school__municipality", "position", "is_staff", "is_active"]
    list_select_related = ["school"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["school", "municipality"]
    filter_horizontal = ["groups", "user_permissions", "subjects", "school_levels"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Work"),
            {
                "fields": (
                    "municipality",
                    "school",
                    "subjects",
                    "school_levels",
                    "position",
                    "years_of_experience",
                )
            },
        ),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def save_model(self, request, obj, form, change):
        """A school set here is kept in the audit trail like any other move (decision 0393)."""
        before = (
            User.objects.filter(pk=obj.pk).values_list("school_id", flat=True).first() if change else None
        )
        super().save_model(request, obj, form, change)
        school_change_record(
            teacher=obj,
            from_school_id=before,
            to_school_id=obj.school_id,
            how=SchoolChangeHow.ADMIN_SITE,
            changed_by=request.user,
        )

    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(SchoolMoveRequest)
class SchoolMoveRequestAdmin(admin.ModelAdmin):
    """Read only: requests are decided on the school administrator's pages, where the rules live."""

    list_display = ["teacher", "from_school", "to_school", "state", "created_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["teacher", "from_school", "to_school", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """People make their own tokens on their profile page (the secret is shown to them once); here a
    superuser sees which exist and may delete one (revoke). No adding here: nobody makes another's token."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__email", "user__full_name", "prefix"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SchoolChange)
class SchoolChangeAdmin(admin.ModelAdmin):
    """The audit trail: only ever added to."""

    list_display = ["changed_at", "teacher", "from_school", "to_school", "how", "changed_by"]
    list_filter = ["how"]
    list_select_related = ["teacher", "from_school", "to_school", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
