from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Community, Event, Post, Topic


class CommunitySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    my_state = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Community
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "kind_display",
            "is_closed",
            "description",
            "rules",
            "member_count",
            "my_state",
        ]


class AuthorField(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class TopicSerializer(serializers.ModelSerializer):
    community = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = AuthorField(read_only=True)
    is_solved = serializers.BooleanField(read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id",
            "community",
            "title",
            "author",
            "created_at",
            "last_post_at",
            "post_count",
            "is_pinned",
            "is_locked",
            "is_solved",
            "solution",
        ]
        read_only_fields = fields


class TopicCreateSerializer(serializers.Serializer):
    community = serializers.SlugField()
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20_000)


class PostSerializer(serializers.ModelSerializer):
    author = AuthorField(read_only=True)
    body_html = serializers.CharField(
        read_only=True, help_text="Sanitized HTML rendered from the Markdown body."
    )

    class Meta:
        model = Post
        fields = [
            "id",
            "topic",
            "number",
            "author",
            "reply_to",
            "body",
            "body_html",
            "created_at",
            "edited_at",
            "useful_count",
        ]
        read_only_fields = ["id", "number", "author", "body_html", "created_at", "edited_at", "useful_count"]


class PostCreateSerializer(serializers.Serializer):
    topic = serializers.IntegerField()
    body = serializers.CharField(max_length=20_000)
    reply_to = serializers.IntegerField(required=False, allow_null=True)


class EventSerializer(serializers.ModelSerializer):
    community = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    places_left = serializers.IntegerField(read_only=True, allow_null=True)

    # No recording yet is null, not "" (the schema says `uri`).
    recording_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "community",
            "title",
            "kind",
            "description_html",
            "starts_at",
            "ends_at",
            "time_zone",
            "place",
            "capacity",
            "registered_count",
            "places_left",
            "recording_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_recording_url(self, obj) -> str | None:
        return obj.recording_url or None
