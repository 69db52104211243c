from django.contrib import admin

from .models import Notification, NotificationPreference, SentRecord


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "delivery", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(SentRecord)
class SentRecordAdmin(admin.ModelAdmin):
    """Read-only: the once-only record is written by the reminder machinery alone."""

    list_display = [
        "kind",
        "step",
        "recipient",
        "content_type",
        "object_id",
        "state",
        "created_at",
        "sent_at",
    ]
    list_filter = ["kind", "state", "content_type"]
    search_fields = ["recipient__email", "title"]
    list_select_related = ["recipient", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
