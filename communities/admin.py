from django.contrib import admin

from core import markup

from . import services
from .models import Community, Event, Material, Membership, Post, PostRevision, Report, Topic


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "state"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_closed", "subject"]
    list_filter = ["kind", "is_closed"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "author", "post_count", "is_pinned", "is_locked", "is_hidden"]
    list_filter = ["is_pinned", "is_locked", "is_hidden"]
    search_fields = ["title"]
    raw_id_fields = ["author", "solution"]
    list_select_related = ["community", "author"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # the admin's change view runs in one transaction
        if change and "title" in form.changed_data:
            services.topic_title_changed(topic=obj)


class PostRevisionInline(admin.TabularInline):
    """The post's earlier texts (services.post_edit / post_delete write them): read only."""

    model = PostRevision
    extra = 0
    can_delete = False
    fields = ["edited_at", "edited_by", "was_deletion", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at", "is_hidden", "deleted_at"]
    raw_id_fields = ["topic", "author", "reply_to"]
    # text changes and deletion go through post_edit / post_delete (history, search, notifications)
    readonly_fields = ["body", "body_html", "number", "edited_at", "deleted_at", "deleted_by"]
    inlines = [PostRevisionInline]
    list_select_related = ["topic", "author"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "created_at", "resolved_at"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "author", "rating_count", "created_at"]
    raw_id_fields = ["author"]
    readonly_fields = ["description_html", "rating_count", "rating_sum"]

    def save_model(self, request, obj, form, change):
        obj.description_html = markup.render(
            obj.description, profile="post"
        )  # the page shows only the sanitized HTML
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the tags, in the change view's transaction
        services.material_text_changed(material=form.instance)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "starts_at", "capacity", "registered_count"]
    list_filter = ["kind"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["description_html", "registered_count"]

    def get_readonly_fields(self, request, obj=None):
        """The limit of an existing event changes on its edit page only (`services.event_update`), which
        promotes the waiting list under the event's row lock; a raw save here would leave people waiting."""
        return [*self.readonly_fields, "capacity"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.description_html = (
            markup.render(obj.description, profile="post") if obj.description.strip() else ""
        )
        if change:
            obj.sequence += 1
        super().save_model(request, obj, form, change)
