"""REST API: open cohorts of a course, enrol / withdraw, my enrollments, my submissions.

Everything a teacher reads is their own (selectors scope by user); others' ids give 404.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.filters import FilterBackend
from core.ratelimit import RateLimited
from courses.models import Assignment

from . import selectors, services
from .filters import OpenCohortFilterSet
from .models import Cohort, Enrollment, Review, RubricScore, Submission, SubmissionVersion


def _api_error(exc: DjangoValidationError):
    if isinstance(exc, RateLimited):  # answered 429 with Retry-After by core/api_errors.py
        return exc
    return ApiValidationError({"detail": " ".join(exc.messages)})


class CohortSerializer(serializers.ModelSerializer):
    course_slug = serializers.CharField(source="course.slug", read_only=True)
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = Cohort
        fields = [
            "id",
            "title",
            "course",
            "course_slug",
            "level",
            "status",
            "starts_on",
            "ends_on",
            "enrollment_opens_at",
            "enrollment_closes_at",
            "withdrawal_deadline",
            "capacity",
            "seats_left",
        ]
        read_only_fields = fields

    def get_seats_left(self, obj) -> int | None:
        """Seats the asking user could take (selectors.seats_free), set by the view; None where not counted."""
        return getattr(obj, "seats_left", None)


class EnrollmentSerializer(serializers.ModelSerializer):
    cohort = CohortSerializer(read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "cohort",
            "state",
            "created_at",
            "enrolled_at",
            "offer_expires_at",
            "completed_at",
            "withdrawn_at",
        ]
        read_only_fields = fields


class CohortEnrolSerializer(serializers.Serializer):
    consent = serializers.BooleanField(help_text="The teacher's own consent; must be true.")

    def validate_consent(self, value):
        if not value:
            raise serializers.ValidationError(_("This field is required."))  # as the page's consent tick
        return value


class EnrollmentWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RubricScoreSerializer(serializers.ModelSerializer):
    criterion_title = serializers.CharField(source="criterion.title", read_only=True)
    max_points = serializers.SerializerMethodField(help_text="The criterion's highest level.")
    descriptor = serializers.CharField(source="level.descriptor", read_only=True)

    class Meta:
        model = RubricScore
        fields = ["criterion", "criterion_title", "level", "points", "max_points", "descriptor", "comment"]
        read_only_fields = fields

    def get_max_points(self, score) -> int:
        return max(level.points for level in score.criterion.levels.all())


class CohortReviewSerializer(serializers.ModelSerializer):
    rubric_scores = RubricScoreSerializer(
        many=True,
        read_only=True,
        help_text="One level per criterion when the assignment has a rubric (score = their sum); empty otherwise.",
    )

    class Meta:
        model = Review
        fields = ["decision", "score", "comment", "created_at", "rubric_scores"]
        read_only_fields = fields


class SubmissionVersionSerializer(serializers.ModelSerializer):
    review = CohortReviewSerializer(read_only=True, allow_null=True)
    file = serializers.SerializerMethodField(
        help_text="Where the file is downloaded (it checks who asks); null without one."
    )

    class Meta:
        model = SubmissionVersion
        fields = ["number", "text", "file", "file_name", "created_at", "review"]
        read_only_fields = fields

    def get_file(self, version) -> str | None:
        # Not the storage URL: private files are served only by the view that authorizes the request.
        if not version.file:
            return None
        url = reverse("cohorts:submission_file", args=[version.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class SubmissionSerializer(serializers.ModelSerializer):
    versions = SubmissionVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "enrollment",
            "assignment",
            "state",
            "score",
            "submitted_at",
            "reviewed_at",
            "versions",
        ]
        read_only_fields = fields


class SubmissionCreateSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    assignment = serializers.IntegerField()
    text = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Open cohorts of a course",
    ),
    retrieve=extend_schema(summary="One open cohort"),
)
class CohortViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CohortSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends = [FilterBackend]
    filterset_class = OpenCohortFilterSet

    def get_queryset(self):
        return selectors.cohorts_open_qs().select_related("course").order_by("starts_on", "pk")

    def get_serializer(self, *args, **kwargs):
        """Seats left for the asking user, counted as enrolment counts them (one query pair per page)."""
        if args and self.action in ("list", "retrieve"):
            instances = list(args[0]) if kwargs.get("many") else [args[0]]
            selectors.with_seats_left(instances, teacher=self.request.user)
            args = (instances if kwargs.get("many") else instances[0], *args[1:])
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        summary="Enrol in this cohort (own consent required)",
        request=CohortEnrolSerializer,
        responses={201: EnrollmentSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def enrol(self, request, pk=None):
        cohort = self.get_object()
        serializer = CohortEnrolSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            enrollment = services.enrollment_enrol(cohort=cohort, teacher=request.user)
        except DjangoValidationError as exc:
            raise _api_error(exc) from None
        enrollment = selectors.enrollments_of(request.user).get(pk=enrollment.pk)
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="My enrollments"), retrieve=extend_schema(summary="One of my enrollments")
)
class EnrollmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EnrollmentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.enrollments_of(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(
        summary="Withdraw (until the cohort's withdrawal date)",
        request=EnrollmentWithdrawSerializer,
        responses=EnrollmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        enrollment = self.get_object()
        serializer = EnrollmentWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.enrollment_withdraw(
                enrollment=enrollment, actor=request.user, reason=serializer.validated_data.get("reason", "")
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from None
        return Response(EnrollmentSerializer(self.get_queryset().get(pk=enrollment.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="My submissions with versions and reviews"),
    retrieve=extend_schema(summary="One of my submissions"),
    create=extend_schema(
        summary="Submit work (text and/or file)",
        request={
            "multipart/form-data": SubmissionCreateSerializer,
            "application/json": SubmissionCreateSerializer,
        },
        responses={201: SubmissionSerializer},
    ),
)
class SubmissionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SubmissionSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return Submission.objects.none()
        return (
            Submission.objects.filter(enrollment__teacher=self.request.user)
            .prefetch_related(
                "versions__review__rubric_scores__level",
                "versions__review__rubric_scores__criterion__levels",
            )
            .order_by("-submitted_at", "-pk")
        )

    def create(self, request, *args, **kwargs):

        serializer = SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            enrollment = selectors.enrollment_for_learning(
                user=request.user, enrollment_id=data["enrollment"]
            )
            assignment = Assignment.objects.get(
                pk=data["assignment"], module__course_id=enrollment.cohort.course_id
            )
        except ObjectDoesNotExist:
            raise NotFound from None
        try:
            submission = services.submission_submit(
                enrollment=enrollment,
                assignment=assignment,
                text=data.get("text", ""),
                upload=data.get("file"),
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from None
        return Response(
            SubmissionSerializer(self.get_queryset().get(pk=submission.pk)).data,
            status=status.HTTP_201_CREATED,
        )
