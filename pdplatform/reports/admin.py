from django.contrib import admin

from core.jobs import JOB_ADMIN_FIELDS

from .models import ExportJob, ExportLog


class SuperuserOnlyReadAdmin(admin.ModelAdmin):
    """The export trail is for superusers only, and nobody edits it."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(SuperuserOnlyReadAdmin):
    list_display = ("created_at", "user", "report", "fmt", "rows", "via")
    list_filter = ("report", "fmt", "via")
    search_fields = ("user__email",)
    readonly_fields = ("created_at", "user", "report", "fmt", "filters", "rows", "via")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(ExportJob)
class ExportJobAdmin(SuperuserOnlyReadAdmin):
    list_display = ("created_at", "requested_by", "report", "fmt", "state", "done", "total")
    list_filter = ("report", "fmt", "state")
    readonly_fields = ("id", "requested_by", "report", "fmt", "params", "file", *JOB_ADMIN_FIELDS)
    list_select_related = ("requested_by",)
