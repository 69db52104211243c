"""REST API for communities: the same selectors (scope) and services (rules) as the pages."""

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.filters import FilterBackend

from . import selectors, services
from .filters import PostFilterSet, TopicFilterSet
from .models import Community, RegistrationStatus
from .serializers import (
    CommunitySerializer,
    EventSerializer,
    PostCreateSerializer,
    PostSerializer,
    TopicCreateSerializer,
    TopicSerializer,
)
from .services import CommunityError


def _raise_validation(exc: CommunityError):
    raise serializers.ValidationError({"detail": exc.messages})


class MembershipStateSerializer(serializers.Serializer):
    state = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="Communities the user can see listed (closed ones too, without content)"),
    retrieve=extend_schema(summary="One community by its address (slug)"),
)
class CommunityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommunitySerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "slug"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Community.objects.none()
        return selectors.community_catalogue_for(self.request.user)

    @extend_schema(
        request=None, responses=MembershipStateSerializer, summary="Join (open) or ask to join (closed)"
    )
    @action(detail=True, methods=["post"])
    def join(self, request, slug=None):
        community = self.get_object()
        try:
            membership = services.membership_join(community=community, user=request.user)
        except CommunityError as exc:
            _raise_validation(exc)
        return Response({"state": membership.state})


@extend_schema_view(
    list=extend_schema(
        summary="Topics of a community the user may read",
        parameters=[
            OpenApiParameter("community", OpenApiTypes.STR, description="community slug", required=True)
        ],
    ),
    retrieve=extend_schema(summary="One topic"),
    create=extend_schema(
        request=TopicCreateSerializer, responses={201: TopicSerializer}, summary="Open a topic (members only)"
    ),
)
class TopicViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = TopicSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = TopicFilterSet

    def get_queryset(self):
        qs = selectors.topics_visible_to(self.request.user).select_related("community", "author")
        if self.action == "list":
            qs = qs.order_by("-is_pinned", "-last_post_at", "-pk")
        return qs

    def create(self, request, *args, **kwargs):
        data = TopicCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            community = selectors.communities_readable_by(request.user).get(
                slug=data.validated_data["community"]
            )
        except ObjectDoesNotExist as exc:
            raise NotFound from exc
        try:
            topic = services.topic_create(
                community=community,
                author=request.user,
                title=data.validated_data["title"],
                body=data.validated_data["body"],
            )
        except CommunityError as exc:
            _raise_validation(exc)
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Posts of a topic, in order (paginated)",
        parameters=[OpenApiParameter("topic", OpenApiTypes.INT, required=True)],
    ),
    retrieve=extend_schema(summary="One post"),
    create=extend_schema(
        request=PostCreateSerializer,
        responses={201: PostSerializer},
        summary="Reply in a topic (members only; not in locked topics)",
    ),
)
class PostViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PostSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = PostFilterSet

    def get_queryset(self):
        qs = selectors.posts_visible_to(self.request.user).filter(is_hidden=False).select_related("author")
        if self.action == "list":
            qs = qs.order_by("number")
        return qs

    def create(self, request, *args, **kwargs):
        data = PostCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topic = get_object_or_404(
            selectors.topics_visible_to(request.user).select_related("community"),
            pk=data.validated_data["topic"],
        )
        reply_to = None
        if data.validated_data.get("reply_to"):
            reply_to = get_object_or_404(
                selectors.posts_visible_to(request.user), pk=data.validated_data["reply_to"], topic=topic
            )
        try:
            post = services.post_create(
                topic=topic, author=request.user, body=data.validated_data["body"], reply_to=reply_to
            )
        except CommunityError as exc:
            _raise_validation(exc)
        return Response(PostSerializer(post).data, status=status.HTTP_201_CREATED)


class RegistrationSerializer(serializers.Serializer):
    registered = serializers.BooleanField()
    waiting = serializers.BooleanField(help_text="On the waiting list (the event was full).")


@extend_schema_view(
    list=extend_schema(summary="Upcoming events of the communities the user may read"),
    retrieve=extend_schema(summary="One event"),
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        qs = selectors.events_visible_to(self.request.user)
        if self.action == "list":
            from django.utils import timezone

            qs = qs.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")
        return qs

    @extend_schema(
        request=None, responses=RegistrationSerializer, summary="Register (on the waiting list when full)"
    )
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        event = self.get_object()
        try:
            registration = services.event_register(event=event, user=request.user)
        except CommunityError as exc:
            _raise_validation(exc)
        waiting = registration.status == RegistrationStatus.WAITING
        return Response({"registered": not waiting, "waiting": waiting})

    @extend_schema(request=None, responses=RegistrationSerializer, summary="Cancel the registration")
    @action(detail=True, methods=["post"])
    def unregister(self, request, pk=None):
        event = self.get_object()
        services.event_unregister(event=event, user=request.user)
        return Response({"registered": False, "waiting": False})
