"""API: my pending surveys, a survey's questions, submitting a response, results (for those allowed)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from . import selectors, services
from .views import _results_context


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    help_text = serializers.CharField()
    is_required = serializers.BooleanField()
    min_value = serializers.IntegerField(allow_null=True)
    max_value = serializers.IntegerField(allow_null=True)
    labels = serializers.SerializerMethodField()
    choices = ChoiceSerializer(many=True)

    def get_labels(self, obj) -> list[str]:
        return [label for _v, label in obj.likert_labels()] if obj.kind == "likert" else []


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    questions = QuestionSerializer(many=True)


class SurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    is_anonymous = serializers.BooleanField()
    closes_at = serializers.DateTimeField(allow_null=True)


class PendingSerializer(serializers.Serializer):
    survey = SurveySerializer()
    cohort_id = serializers.SerializerMethodField()
    cohort_title = serializers.SerializerMethodField()

    def get_cohort_id(self, obj) -> int | None:
        return obj.cohort.pk if obj.cohort else None

    def get_cohort_title(self, obj) -> str:
        return obj.cohort.title if obj.cohort else ""


class SubmitSerializer(serializers.Serializer):
    cohort = serializers.IntegerField(required=False, allow_null=True)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="{question id: value}; Likert/number: int, single choice: choice id, "
        "multiple choice: list of choice ids, free text: string.",
    )


class AreaMeanSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)


class AreaRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    n = serializers.IntegerField()
    hidden = serializers.BooleanField()
    means = AreaMeanSerializer(many=True)


class PendingSurveysView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PendingSerializer(many=True), summary="Surveys waiting for me")
    def get(self, request):
        return ApiResponse(PendingSerializer(selectors.surveys_pending_for(request.user), many=True).data)


class SurveyQuestionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SectionSerializer(many=True), summary="A survey's sections and questions")
    def get(self, request, pk: int):
        survey = selectors.survey_for_filling(user=request.user, survey_id=pk)
        return ApiResponse(SectionSerializer(selectors.survey_sections(survey), many=True).data)


class SubmitResponseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SubmitSerializer,
        responses={
            201: inline_serializer(
                "SubmitResult", {"level": serializers.CharField(), "scores": serializers.DictField()}
            ),
        },
        summary="Submit my response",
    )
    def post(self, request, pk: int):
        survey = selectors.survey_for_filling(user=request.user, survey_id=pk)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cohort = None
        if data.validated_data.get("cohort"):
            cohort = get_object_or_404(
                selectors.cohorts_for_filling(user=request.user, survey=survey),
                pk=data.validated_data["cohort"],
            )
        try:
            result = services.response_submit(
                survey=survey, user=request.user, cohort=cohort, answers=data.validated_data["answers"]
            )
        except services.SurveyError as error:
            # The one error shape (core/api_errors.py): a broken rule's messages under "detail".
            return ApiResponse({"detail": error.messages}, status=status.HTTP_400_BAD_REQUEST)
        scores = {str(k): v for k, v in result.scores.items()} if survey.kind == "diagnostic" else {}
        return ApiResponse({"level": result.level, "scores": scores}, status=status.HTTP_201_CREATED)


class SurveyResultsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("cohort", int),
            OpenApiParameter("course", int),
            OpenApiParameter("school", int, description="Surveys across schools: one school's cell."),
            OpenApiParameter(
                "municipality",
                int,
                description="Surveys across schools: the visible schools of one municipality.",
            ),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter(
                "negative", int, enum=[2, 3], description="Negative answers: 1–2 (default) or 1–3."
            ),
            OpenApiParameter(
                "sort", str, enum=["survey", "mean", "negative"], description="Order of the Likert aspects."
            ),
        ],
        responses={
            200: inline_serializer(
                "SurveyResults",
                {
                    "responses": serializers.IntegerField(),
                    "hidden": serializers.BooleanField(),
                    "likert": serializers.ListField(),
                    "choices": serializers.ListField(),
                    "by_school": serializers.ListField(
                        child=AreaRowSerializer(),
                        required=False,
                        help_text="Surveys across schools: n and the mean per Likert question of each school; "
                        "a school with fewer than K responses has n 0, hidden true and every mean null.",
                    ),
                    "by_municipality": serializers.ListField(child=AreaRowSerializer(), required=False),
                },
            ),
            400: inline_serializer(
                "ResultsFilterErrors",
                {
                    "detail": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="Each filter value that is not valid, with the reason.",
                    ),
                },
            ),
        },
        summary="Results of a survey (authors, the course's methodologists, the cohort's curators, "
        "the administrators of the schools it covers)",
    )
    def get(self, request, pk: int):
        scope, form, flt, reading = _results_context(request._request, pk)
        if (
            flt is None
        ):  # a filter value that is not valid: 400 in the API's one error shape, never another set
            raise ApiValidationError({"detail": form.error_lines()})
        results = selectors.survey_results(
            survey=scope.survey,
            flt=flt,
            with_texts=False,
            order=reading.order,
            negative_upto=reading.negative_upto,
        )
        body = {}
        if scope.schools and not results.hidden:
            for by in selectors.BREAKDOWNS:
                breakdown = selectors.results_by_area(
                    survey=scope.survey, flt=flt, schools=scope.schools, by=by
                )
                body[f"by_{by}"] = AreaRowSerializer(
                    [
                        {
                            "id": row.pk,
                            "name": row.name,
                            "n": row.n,
                            "hidden": row.hidden,
                            "means": [
                                {"question": q.pk, "mean": m}
                                for q, m in zip(breakdown.questions, row.means, strict=True)
                            ],
                        }
                        for row in breakdown.rows
                    ],
                    many=True,
                ).data
        return ApiResponse(
            {
                "responses": results.responses,
                "hidden": results.hidden,
                "likert": [
                    {
                        "question": r.question.pk,
                        "text": r.question.text,
                        "n": r.n,
                        "mean": r.mean,
                        "percents": r.percents,
                        "counts": r.counts,
                        "section": r.section.title,
                        "negative_percent": r.negative_percent,
                        "vulnerable": r.vulnerable,
                    }
                    for r in results.likert
                ],
                "choices": [
                    {
                        "question": r.question.pk,
                        "text": r.question.text,
                        "n": r.n,
                        "options": [{"text": t, "count": c, "percent": p} for t, c, p in r.options],
                    }
                    for r in results.choices
                ],
                **body,
            }
        )
