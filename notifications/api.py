"""REST API: a person's own notifications (list, unread count, mark read) and preferences."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .kinds import Delivery
from .models import Notification
from .selectors import notifications_for, preferences_for, unread_count_for
from .services import notification_mark_all_read, notification_mark_read, preference_set


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(choices=Delivery.choices)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Only the signed-in person's notifications exist here: another person's id is a 404."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return notifications_for(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notification_mark_read(notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notification_mark_all_read(user=request.user)})

    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": unread_count_for(user=request.user)})

    @extend_schema(methods=["get"], responses=PreferenceSerializer(many=True))
    @extend_schema(methods=["post"], request=PreferenceSerializer, responses=PreferenceSerializer)
    @action(detail=False, methods=["get", "post"], pagination_class=None)
    def preferences(self, request):
        if request.method == "POST":
            serializer = PreferenceSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            known = {kind.code for kind, _delivery in preferences_for(user=request.user)}
            if serializer.validated_data["kind"] not in known:
                raise serializers.ValidationError({"kind": [_("Unknown notification kind.")]})
            preference_set(user=request.user, **serializer.validated_data)
        rows = [
            {"kind": kind.code, "label": str(kind.label), "delivery": delivery}
            for kind, delivery in preferences_for(user=request.user)
        ]
        if request.method == "POST":
            return Response(next(r for r in rows if r["kind"] == serializer.validated_data["kind"]))
        return Response(rows)
