"""REST API for courses and competencies: read for everyone, write for methodologists on their own courses."""

from types import SimpleNamespace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.negotiation import DefaultContentNegotiation

from accounts.models import Level, Subject
from core.filters import FilterBackend

from . import selectors, services
from .filters import CatalogueFilterSet
from .models import Assignment, Competency, Course, Lesson, Module


class CompetencySerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Competency
        fields = ["id", "code", "name", "description", "area_code", "area_name"]


class LessonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "title", "kind", "hours", "position", "is_required", "video_url"]


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = [
            "id",
            "title",
            "submission_kind",
            "max_score",
            "review_requires_comment",
            "due_days",
            "position",
        ]


class ModuleSerializer(serializers.ModelSerializer):
    lessons = LessonSerializer(many=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Module
        fields = ["id", "title", "description", "position", "lessons", "assignments"]


class CourseListSerializer(serializers.ModelSerializer):
    subjects = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    competencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    authors = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "format",
            "level",
            "language",
            "hours",
            "status",
            "version",
            "subjects",
            "competencies",
            "authors",
            "cover",
            "updated_at",
            "published_at",
            "url",
        ]
        read_only_fields = fields

    def get_authors(self, obj) -> list[str]:
        return [a.get_full_name() for a in obj.authors.all()]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        """The catalogue page, absolute (the schema says `uri`)."""
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class CourseDetailSerializer(CourseListSerializer):
    school_levels = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    modules = ModuleSerializer(many=True, read_only=True)

    class Meta(CourseListSerializer.Meta):
        fields = [
            *CourseListSerializer.Meta.fields,
            "description",
            "target_audience",
            "school_levels",
            "modules",
        ]
        read_only_fields = fields


class CourseWriteSerializer(serializers.ModelSerializer):
    """Fields a methodologist sets; the structure is authored in the admin. Status changes: admin actions."""

    subjects = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Subject.objects.all(), required=False
    )
    school_levels = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Level.objects.all(), required=False
    )
    competencies = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Competency.objects.all(), required=False
    )

    class Meta:
        model = Course
        fields = [
            "slug",
            "title",
            "summary",
            "description",
            "target_audience",
            "format",
            "hours",
            "level",
            "language",
            "subjects",
            "school_levels",
            "competencies",
        ]
        extra_kwargs = {"slug": {"required": False}}

    M2M = ("subjects", "school_levels", "competencies")

    def create(self, validated_data):
        m2m = {name: validated_data.pop(name, []) for name in self.M2M}
        try:
            return services.course_create(user=self.context["request"].user, **validated_data, **m2m)
        except DjangoValidationError as exc:
            raise ApiValidationError(_detail(exc)) from exc

    def update(self, instance, validated_data):
        m2m = {name: validated_data.pop(name) for name in self.M2M if name in validated_data}
        try:
            return services.course_update(
                user=self.context["request"].user, course=instance, m2m=m2m, **validated_data
            )
        except DjangoValidationError as exc:
            raise ApiValidationError(_detail(exc)) from exc

    def to_representation(self, instance):
        return CourseDetailSerializer(
            selectors.course_detail_queryset(Course.objects.all()).get(pk=instance.pk), context=self.context
        ).data


def _detail(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else exc.messages


class CatalogueNegotiation(DefaultContentNegotiation):
    """`?format=` is a catalogue filter here (distance/blended/in person), not DRF's renderer override."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class CoursePermission(permissions.BasePermission):
    message = _("You can edit only the courses you author.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.user_can_author(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return services.user_can_edit_course(request.user, obj)


@extend_schema_view(
    list=extend_schema(
        description="Published courses (and your own drafts). A bad filter value is a 400 naming it."
    ),
    create=extend_schema(request=CourseWriteSerializer, responses=CourseDetailSerializer),
    update=extend_schema(request=CourseWriteSerializer, responses=CourseDetailSerializer),
    partial_update=extend_schema(request=CourseWriteSerializer, responses=CourseDetailSerializer),
)
class CourseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    # Reading the catalogue needs no account (the schema says so: IsAuthenticatedOrReadOnly); writing needs
    # an author.
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CoursePermission]
    content_negotiation_class = CatalogueNegotiation
    filter_backends = [FilterBackend]
    filterset_class = CatalogueFilterSet

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            return selectors.course_list_for_api(user=user)
        if self.action == "retrieve":
            return selectors.course_detail_queryset(selectors.courses_visible_to(user))
        return selectors.courses_visible_to(user).defer("search_vector")

    def get_serializer_class(self):
        if self.action == "list":
            return CourseListSerializer
        if self.action == "retrieve":
            return CourseDetailSerializer
        return CourseWriteSerializer

    def perform_update(self, serializer):
        if not services.user_can_edit_course(self.request.user, serializer.instance):
            raise PermissionDenied(CoursePermission.message)
        serializer.save()


class CompetencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CompetencySerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.competency_list()
