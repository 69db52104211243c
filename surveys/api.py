"""API: my pending surveys, a survey's questions, submitting a response, results (for those allowed), my
competency profile, recommendations and the heat map. Every answer has a serializer, so the OpenAPI
schema types every field.

One file: the API of one app, each endpoint a thin layer over the same selectors as the pages, next to its
serializer so schema and answer are read together (decision 0394 added profiles, recommendations and
the heat map).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from accounts.roles import Role
from accounts.selectors import teachers_visible_to, user_has_role
from core.pagination import ApiPagination

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


class LikertResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.text")
    section = serializers.CharField(source="section.title")
    n = serializers.IntegerField(help_text="Answers to the question.")
    mean = serializers.FloatField(
        allow_null=True, help_text="Mean of 1–5, two decimals; null without answers."
    )
    percents = serializers.ListField(
        child=serializers.IntegerField(), help_text="Share of 1, 2, 3, 4, 5 in whole percent (halves up)."
    )
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="Answers 1, 2, 3, 4, 5.")
    negative_percent = serializers.IntegerField(
        help_text="Share of negative answers (1–2, or 1–3 with negative=3), whole percent."
    )
    vulnerable = serializers.BooleanField(
        help_text="The negative share is over the survey's vulnerable threshold."
    )


class ChoiceOptionResultSerializer(serializers.Serializer):
    text = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField(
        help_text="Of the respondents who answered the question, whole percent."
    )


class ChoiceResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.text")
    n = serializers.IntegerField(help_text="Respondents who answered the question.")
    options = serializers.SerializerMethodField()

    @extend_schema_field(ChoiceOptionResultSerializer(many=True))
    def get_options(self, obj):
        return [{"text": t, "count": c, "percent": p} for t, c, p in obj.options]


class _ResultsSerializer(serializers.Serializer):
    responses = serializers.IntegerField(
        help_text="Visible responses (cells under the anonymity K count nowhere)."
    )
    hidden = serializers.BooleanField(help_text="Fewer than K visible responses: nothing is broken down.")
    likert = LikertResultSerializer(many=True)
    choices = ChoiceResultSerializer(many=True)


class ComparedResultsSerializer(_ResultsSerializer):
    title = serializers.CharField(help_text="The group: a cohort, a course or a year of cohort start.")


class SurveyResultsSerializer(_ResultsSerializer):
    compare = ComparedResultsSerializer(
        many=True,
        help_text="The groups compared (`compare`, `compare_course` or `compare_year`), in the page's order; "
        "a single pick is compared with the current selection, which comes first. Each group is read under "
        "the anonymity rule.",
    )
    by_school = AreaRowSerializer(
        many=True,
        required=False,
        help_text="Surveys across schools: n and the mean per Likert question of each school; "
        "a school with fewer than K responses has n 0, hidden true and every mean null.",
    )
    by_municipality = AreaRowSerializer(many=True, required=False)


class CompetencyProfileRowSerializer(serializers.Serializer):
    competency = serializers.IntegerField(source="competency.pk")
    code = serializers.CharField(source="competency.code")
    name = serializers.CharField(source="competency.name")
    score = serializers.IntegerField(help_text="0–100.")
    before = serializers.IntegerField(allow_null=True, help_text="The previous diagnostic's score, if any.")
    growth = serializers.IntegerField(allow_null=True, help_text="score − before; null without a before.")
    is_deficit = serializers.BooleanField(help_text="Below the diagnostic's threshold.")


class CompetencyProfileSerializer(serializers.Serializer):
    survey = serializers.IntegerField(source="survey.pk", help_text="The latest diagnostic taken.")
    threshold = serializers.IntegerField(help_text="A score below it is a deficit.")
    measured_at = serializers.DateTimeField()
    before_at = serializers.DateTimeField(
        allow_null=True, help_text="When the previous diagnostic was taken."
    )
    competencies = CompetencyProfileRowSerializer(many=True, source="rows")
    deficits = serializers.SerializerMethodField()

    def get_deficits(self, obj) -> list[str]:
        return [row.competency.code for row in obj.deficits]


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


RESULTS_FILTER_ERRORS = inline_serializer(
    "ResultsFilterErrors",
    {
        "detail": serializers.ListField(
            child=serializers.CharField(), help_text="Each filter value that is not valid, with the reason."
        ),
    },
)


class SurveyResultsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("cohort", int),
            OpenApiParameter(
                "compare", int, many=True, description="Cohorts to compare, as on the results page."
            ),
            OpenApiParameter("compare_course", int, many=True, description="Courses to compare."),
            OpenApiParameter("compare_year", int, many=True, description="Years of cohort start to compare."),
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
        responses={200: SurveyResultsSerializer, 400: RESULTS_FILTER_ERRORS},
        summary="Results of a survey (authors, the course's methodologists, the cohort's curators, "
        "the administrators of the schools it covers)",
    )
    def get(self, request, pk: int):
        scope, form, flt, reading = _results_context(request._request, pk)
        if (
            flt is None
        ):  # a filter value that is not valid: 400 in the API's one error shape, never another set
            raise ApiValidationError({"detail": form.error_lines()})
        read = {"with_texts": False, "order": reading.order, "negative_upto": reading.negative_upto}
        results = selectors.survey_results(survey=scope.survey, flt=flt, **read)
        groups = [
            {**vars(selectors.survey_results(survey=scope.survey, flt=group, **read)), "title": label}
            for label, group in reading.groups
        ]
        body = {**vars(results), "compare": groups}
        if scope.schools and not results.hidden:
            for by in selectors.BREAKDOWNS:
                breakdown = selectors.results_by_area(
                    survey=scope.survey, flt=flt, schools=scope.schools, by=by
                )
                body[f"by_{by}"] = [
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
                ]
        return ApiResponse(SurveyResultsSerializer(body).data)


class MyProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: CompetencyProfileSerializer,
            404: OpenApiResponse(
                response=inline_serializer("NoProfileYet", {"detail": serializers.CharField()}),
                description="The caller has not taken a diagnostic yet: there is no profile to show.",
            ),
        },
        summary="My competency profile: the latest diagnostic, growth since the one before, deficits",
    )
    def get(self, request):
        profile = selectors.profile_for(request.user)
        if profile is None:
            raise NotFound(_("You have not taken a professional diagnostic yet."))
        return ApiResponse(CompetencyProfileSerializer(profile).data)


# --- deficit profiles, recommendations and heat maps, scoped as their pages -------------------------


class ProfileOfTeacherView(APIView):
    """A teacher's competency profile, for themself and for the administrators of their school or
    municipality (accounts.selectors.teachers_visible_to). Anybody else's id: 404, as for nobody."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: CompetencyProfileSerializer,
            404: OpenApiResponse(
                response=inline_serializer("NoSuchProfile", {"detail": serializers.CharField()}),
                description="Not a teacher the caller may see, or no diagnostic taken yet.",
            ),
        },
        summary="A teacher's competency profile (themself, or the administrators of their school)",
    )
    def get(self, request, user_id: int):
        person = selectors.profile_person_for(viewer=request.user, user_id=user_id)
        if person is None:
            raise NotFound(_("There is no such teacher among those you may see."))
        profile = selectors.profile_for(person)
        if profile is None:
            raise NotFound(_("This teacher has not taken a professional diagnostic yet."))
        return ApiResponse(CompetencyProfileSerializer(profile).data)


class RecommendedCohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_on = serializers.DateField()
    free_seats = serializers.IntegerField(help_text="Seats free for the caller; 0 = the waitlist.")


class RecommendationSerializer(serializers.Serializer):
    course = serializers.IntegerField(source="course.pk")
    title = serializers.CharField(source="course.title")
    language = serializers.CharField(source="course.language")
    in_other_language = serializers.BooleanField(
        source="course.in_other_language", help_text="Not in a language the caller reads courses in."
    )
    pinned = serializers.BooleanField(help_text="Pinned by the methodologists for these deficits.")
    competencies = serializers.SerializerMethodField(help_text="Codes of the caller's deficits it addresses.")
    cohorts = RecommendedCohortSerializer(many=True, help_text="Cohorts open for enrolment, soonest first.")

    def get_competencies(self, obj) -> list[str]:
        return [c.code for c in obj.competencies]


class MyRecommendationsView(APIView):
    """The courses the profile page recommends for the caller's deficits, in its order."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=RecommendationSerializer(many=True),
        summary="Courses recommended for my deficits (empty without a diagnostic or deficits)",
    )
    def get(self, request):
        profile = selectors.profile_for(request.user)
        recommendations = selectors.recommendations_for(profile=profile, user=request.user)
        return ApiResponse(RecommendationSerializer(recommendations, many=True).data)


class HeatmapCompetencySerializer(serializers.Serializer):
    competency = serializers.IntegerField(source="competency_id")
    code = serializers.CharField(source="competency__code")
    name = serializers.CharField(source="competency__name")
    teachers = serializers.IntegerField(help_text="Teachers measured (their latest score).")
    deficits = serializers.IntegerField(help_text="Of them, below the threshold.")
    mean = serializers.FloatField(allow_null=True)


class HeatmapSchoolCellSerializer(serializers.Serializer):
    competency = serializers.IntegerField()
    mean = serializers.IntegerField()
    deficits = serializers.IntegerField()
    n = serializers.IntegerField(help_text="Teachers measured in the school.")


class HeatmapSchoolRowSerializer(serializers.Serializer):
    school = serializers.CharField(allow_null=True)
    cells = HeatmapSchoolCellSerializer(many=True)


class HeatmapTeacherCellSerializer(serializers.Serializer):
    competency = serializers.IntegerField()
    score = serializers.IntegerField()
    is_deficit = serializers.BooleanField()


class HeatmapTeacherRowSerializer(serializers.Serializer):
    teacher = serializers.IntegerField(help_text="The id for /api/v1/surveys/profiles/{id}/.")
    name = serializers.CharField()
    school = serializers.CharField(allow_null=True)
    cells = HeatmapTeacherCellSerializer(many=True, help_text="Measured competencies only.")


class HeatmapSerializer(serializers.Serializer):
    competencies = HeatmapCompetencySerializer(many=True)
    schools = HeatmapSchoolRowSerializer(
        many=True, help_text="Municipal administrators: one row per school; empty for a school administrator."
    )
    teachers = HeatmapTeacherRowSerializer(many=True, help_text="One page of teachers.")
    count = serializers.IntegerField(help_text="Teachers in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class HeatmapPagination(ApiPagination):
    page_size = 30


class HeatmapView(APIView):
    """The heat map page's data: per competency over the caller's teachers, per school (municipal
    administrators) and one page of teachers. For school and municipal administrators only (403, as the
    page); `school` narrows the teachers to one school of the caller's, any other school is 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("school", int, description="Only this school's teachers (one of the caller's)."),
            OpenApiParameter("page", int),
        ],
        responses=HeatmapSerializer,
        summary="Heat map of deficits (school and municipal administrators)",
    )
    def get(self, request):
        user = request.user
        if not selectors.can_see_heatmap(user):
            raise PermissionDenied(_("The heat map is for school and municipal administrators."))
        teachers = teachers_visible_to(user).order_by("school__name", "full_name", "pk")
        school = request.query_params.get("school", "")
        if school:
            found = (
                selectors.heatmap_school_for(viewer=user, school_id=int(school)) if school.isdigit() else None
            )
            if found is None:
                raise NotFound(_("There is no such school among yours."))
            teachers = teachers.filter(school=found)
        across_schools = user.is_superuser or user_has_role(user, Role.MUNICIPAL_ADMIN)
        paginator = HeatmapPagination()
        page = paginator.paginate_queryset(teachers, request, view=self)
        competencies, rows = selectors.heatmap_teachers(user, page)
        schools = []
        if across_schools:
            school_competencies, school_rows = selectors.heatmap_schools(user)
            schools = [
                {
                    "school": name,
                    "cells": [
                        {"competency": c.pk, "mean": cell[0], "deficits": cell[1], "n": cell[2]}
                        for c, cell in zip(school_competencies, cells, strict=True)
                        if cell is not None
                    ],
                }
                for name, cells in school_rows
            ]
        body = {
            "competencies": selectors.competency_counts_for(user),
            "schools": schools,
            "teachers": [
                {
                    "teacher": t.pk,
                    "name": t.display_name,
                    "school": t.school.name if t.school_id else None,
                    "cells": [
                        {"competency": c.pk, "score": cell[0], "is_deficit": cell[1]}
                        for c, cell in zip(competencies, cells, strict=True)
                        if cell is not None
                    ],
                }
                for t, cells in rows
            ],
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
        }
        return ApiResponse(HeatmapSerializer(body).data)
