"""REST API: open cohorts of a course, enrol / withdraw, my enrollments, my submissions.

Everything a teacher reads is their own (selectors scope by user); others' ids give 404.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
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
from .models import Cohort, Enrollment, QuizAttempt, Review, RubricScore, Submission, SubmissionVersion


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


# --- quiz attempts ---------------------------------------------------------------------------
# The teacher's own attempts. While an attempt runs its questions carry no key (no correct flags,
# accepted answers, numbers, tolerances or feedback): they come from selectors.quiz_attempt_view, the
# same data the page shows. Choices are named by their index in the shown order.


class QuizQuestionItemSerializer(serializers.Serializer):
    """A question of an attempt as shown (key fields only in a finished attempt whose answers are revealed)."""

    position = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    points = serializers.IntegerField()
    options = serializers.ListField(
        child=serializers.DictField(), help_text="{index, text, selected|rank|selected_match}"
    )
    matches = serializers.ListField(child=serializers.DictField(), help_text="matching: {index, text}")
    value = serializers.BooleanField(required=False, allow_null=True, help_text="true/false: the response")
    given = serializers.CharField(required=False, help_text="short and numeric: the response")
    earned = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    result = serializers.CharField(required=False, help_text="finished: correct, partial or incorrect")


class QuizAttemptSerializer(serializers.ModelSerializer):
    lesson = serializers.IntegerField(source="quiz.lesson_id", read_only=True)
    attempts_left = serializers.SerializerMethodField()
    answers_revealed = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = QuizAttempt
        fields = [
            "id",
            "enrollment",
            "lesson",
            "number",
            "state",
            "started_at",
            "deadline",
            "finished_at",
            "score",
            "max_score",
            "percent",
            "passed",
            "attempts_left",
            "answers_revealed",
            "questions",
        ]
        read_only_fields = fields

    def get_attempts_left(self, obj) -> int:
        return max(0, obj.quiz.attempt_limit - obj.finished_count)

    def get_answers_revealed(self, obj) -> bool:
        return services.quiz_answers_revealed(attempt=obj, attempts_left=self.get_attempts_left(obj))

    @extend_schema_field(QuizQuestionItemSerializer(many=True))
    def get_questions(self, obj) -> list:
        items = selectors.quiz_attempt_view(
            attempt=obj, revealed=self.get_answers_revealed(obj), answers=list(obj.answers.all())
        )
        earned = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
        for item in items:  # points as the schema says: a decimal string, like score and percent
            if "earned" in item:
                item["earned"] = (
                    earned.to_representation(item["earned"]) if item["earned"] is not None else None
                )
        return items


class QuizAttemptStartSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    lesson = serializers.IntegerField(help_text="The quiz lesson")


class QuizAnswerSaveSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=1)
    response = serializers.DictField(
        help_text="By kind: {choice: index} · {choices: [index]} · {value: true|false} · {text: str} · "
        "{pairs: {item index: match index}} · {ranks: {item index: place from 1}}; empty clears the answer"
    )


class QuizAttemptSubmitSerializer(serializers.Serializer):
    responses = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        help_text="Optional last responses, position → response",
    )


@extend_schema_view(
    list=extend_schema(summary="My quiz attempts (results; questions without the key while running)"),
    retrieve=extend_schema(summary="One of my quiz attempts"),
    create=extend_schema(
        summary="Start the next attempt at a quiz, or resume the running one",
        request=QuizAttemptStartSerializer,
        responses={201: QuizAttemptSerializer, 200: QuizAttemptSerializer},
    ),
)
class QuizAttemptViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = QuizAttemptSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return QuizAttempt.objects.none()
        finished = (
            QuizAttempt.objects.filter(enrollment_id=OuterRef("enrollment_id"), quiz_id=OuterRef("quiz_id"))
            .exclude(state=QuizAttempt.State.RUNNING)
            .order_by()
            .values("quiz_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            selectors.quiz_attempts_of_teacher(user=self.request.user)
            .select_related("quiz")
            .annotate(finished_count=Coalesce(Subquery(finished), 0))
        )

    def _fresh(self, attempt):
        return self.get_queryset().get(pk=attempt.pk)

    def retrieve(self, request, *args, **kwargs):
        attempt = self.get_object()
        if services.quiz_attempt_close_expired(attempt=attempt):  # graded lazily when its time ran out
            attempt = self._fresh(attempt)
        return Response(self.get_serializer(attempt).data)

    def create(self, request, *args, **kwargs):
        serializer = QuizAttemptStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            enrollment = selectors.enrollment_for_learning(
                user=request.user, enrollment_id=serializer.validated_data["enrollment"]
            )
            quiz = selectors.quiz_for_enrollment(
                enrollment=enrollment, lesson_id=serializer.validated_data["lesson"]
            )
        except ObjectDoesNotExist:
            raise NotFound from None
        running = QuizAttempt.objects.filter(
            enrollment=enrollment, quiz=quiz, state=QuizAttempt.State.RUNNING
        ).exists()
        try:
            attempt = services.quiz_attempt_start(enrollment=enrollment, quiz=quiz)
        except DjangoValidationError as exc:
            raise _api_error(exc) from None
        return Response(
            self.get_serializer(self._fresh(attempt)).data,
            status=status.HTTP_200_OK if running else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Save the response to one question of a running attempt",
        request=QuizAnswerSaveSerializer,
        responses={204: None},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        attempt = self.get_object()
        serializer = QuizAnswerSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.quiz_answer_save(
                attempt=attempt,
                position=serializer.validated_data["position"],
                data=serializer.validated_data["response"],
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Submit a running attempt and get its result",
        request=QuizAttemptSubmitSerializer,
        responses=QuizAttemptSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        attempt = self.get_object()
        serializer = QuizAttemptSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.quiz_attempt_submit(
                attempt=attempt, responses=serializer.validated_data.get("responses")
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from None
        return Response(self.get_serializer(self._fresh(attempt)).data)
