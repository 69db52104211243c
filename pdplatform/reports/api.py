"""Reports API (token or session authentication) so schools' own systems can pull the same reports.

Same filters, same scoping as the pages: a school administrator's token never reaches another school's rows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from cohorts.models import Cohort, Enrollment
from core.filters import FilterBackend, filterset_or_400
from core.pagination import ApiPagination

from . import selectors, services
from .filters import EnrollmentFilterSet, MonitoringFilterSet, TeacherFilterSet

ENROLLMENT_KEYS = [
    "teacher",
    "email",
    "school",
    "course",
    "course_hours",
    "cohort",
    "starts_on",
    "ends_on",
    "state_label",
    "progress_percent",
    "assignments_accepted",
    "assignments_total",
    "average_score",
    "attendance_percent",
    "feedback_filled",
    "completed_on",
    "certificate_number",
]


class EnrollmentRowSerializer(serializers.Serializer):
    teacher = serializers.CharField()
    email = serializers.EmailField()
    school = serializers.CharField()
    course = serializers.CharField()
    course_hours = serializers.IntegerField()
    cohort_id = serializers.IntegerField()
    cohort = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    state = serializers.ChoiceField(choices=Enrollment.State.choices)
    state_label = serializers.CharField()
    progress_percent = serializers.IntegerField()
    assignments_accepted = serializers.IntegerField()
    assignments_total = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True)
    attendance_percent = serializers.IntegerField(allow_null=True)
    feedback_filled = serializers.BooleanField()
    completed_on = serializers.DateField(allow_null=True)
    certificate_number = serializers.CharField(allow_blank=True)


def _enrollment_dict(r: dict) -> dict:
    values = selectors.enrollment_row_values(r)
    row = dict(zip(ENROLLMENT_KEYS, values, strict=True))
    row["cohort_id"] = r["cohort_id"]
    row["state"] = r["state"]
    row["feedback_filled"] = r["feedback_at"] is not None
    return row


class TeacherHoursSerializer(serializers.Serializer):
    teacher = serializers.CharField()
    email = serializers.EmailField()
    school = serializers.CharField()
    subjects = serializers.CharField()
    courses_completed = serializers.CharField()
    courses_3y = serializers.IntegerField()
    hours_3y = serializers.IntegerField()
    cycle_course_hours = serializers.IntegerField()
    cycle_events = serializers.IntegerField()
    cycle_event_hours = serializers.IntegerField()
    cycle_mentoring_hours = serializers.IntegerField()
    cycle_total = serializers.IntegerField()
    cycle_required = serializers.IntegerField()
    expected_now = serializers.IntegerField()
    behind = serializers.BooleanField()


TEACHER_KEYS = list(TeacherHoursSerializer().fields)


def _teacher_dict(teacher, cycle) -> dict:
    row = dict(zip(TEACHER_KEYS, selectors.teacher_row_values(teacher, cycle), strict=True))
    row["behind"] = teacher.cycle_total < cycle.expected_now
    return row


class ReportPagination(ApiPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


PAGE_PARAMS = [OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT)]


def _params(request) -> dict:
    return {k: v for k, v in request.query_params.items() if k not in ("page", "page_size", "format")}


class SchoolReportAPI(GenericAPIView):
    """The school report: the school's teachers × cohorts (enrollment state, progress, results...)."""

    permission_classes = [IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = EnrollmentFilterSet
    queryset = Enrollment.objects.none()  # the real one: get_queryset (the user's schools)
    pagination_class = ReportPagination

    def get_queryset(self):
        return selectors.school_enrollments_in_scope(self.request.user)

    @extend_schema(parameters=PAGE_PARAMS, responses=EnrollmentRowSerializer(many=True), tags=["reports"])
    def get(self, request):
        user = request.user
        if not selectors.can_see_school_report(user):
            raise PermissionDenied(_("You have no school report."))
        enrollments = self.filter_queryset(self.get_queryset())  # a bad filter: 400 in the one error shape
        flt = self.filterset.enrollment_filters()
        rows = self.paginate_queryset(selectors.enrollment_report_rows(enrollments, sort=flt.sort))
        data = [_enrollment_dict(r) for r in rows]
        services.export_log_record(
            user=user, report="school", fmt="json", filters=flt.as_params(), rows=len(data), via="api"
        )
        return self.get_paginated_response(EnrollmentRowSerializer(data, many=True).data)


class TeacherHoursAPI(GenericAPIView):
    """Each teacher's courses and hours in the last three years and the current cycle's hours ledger."""

    permission_classes = [IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = TeacherFilterSet
    queryset = User.objects.none()  # the real one: get_queryset (the user's teachers)
    pagination_class = ReportPagination

    def get_queryset(self):
        return selectors.report_teachers(self.request.user)

    @extend_schema(parameters=PAGE_PARAMS, responses=TeacherHoursSerializer(many=True), tags=["reports"])
    def get(self, request):
        user = request.user
        if not selectors.can_see_school_report(user):
            raise PermissionDenied(_("You have no school report."))
        qs = self.filter_queryset(self.get_queryset())
        cycle = selectors.current_cycle()
        teachers = self.paginate_queryset(qs)
        data = [_teacher_dict(t, cycle) for t in teachers]
        services.export_log_record(
            user=user,
            report="teachers",
            fmt="json",
            filters=self.filterset.params(),
            rows=len(data),
            via="api",
        )
        return self.get_paginated_response(TeacherHoursSerializer(data, many=True).data)


class ResponseStatsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median_hours = serializers.FloatField()
    p90_hours = serializers.FloatField()


class SchoolSummarySerializer(serializers.Serializer):
    school = serializers.CharField(source="teacher__school__name", allow_null=True)
    teachers = serializers.IntegerField()
    learning = serializers.IntegerField()
    completed = serializers.IntegerField()
    feedback = serializers.IntegerField()


class CohortReportSerializer(serializers.Serializer):
    cohort_id = serializers.IntegerField()
    cohort = serializers.CharField()
    first_response = ResponseStatsSerializer(allow_null=True)
    review_time = ResponseStatsSerializer(allow_null=True)
    schools = SchoolSummarySerializer(many=True)
    rows = EnrollmentRowSerializer(many=True)


class CohortReportAPI(APIView):
    """A cohort's report for its curators and the course's methodologists (every school's teachers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CohortReportSerializer, tags=["reports"])
    def get(self, request, cohort_id: int):
        try:
            cohort = selectors.cohort_for_report(user=request.user, cohort_id=cohort_id)
        except Cohort.DoesNotExist:
            raise NotFound(_("There is no such cohort among yours.")) from None
        rows = [_enrollment_dict(r) for r in selectors.cohort_report_rows(cohort).iterator(chunk_size=2000)]
        services.export_log_record(
            user=request.user,
            report="cohort",
            fmt="json",
            filters={"cohort": cohort.pk},
            rows=len(rows),
            via="api",
        )
        return Response(
            CohortReportSerializer(
                {
                    "cohort_id": cohort.pk,
                    "cohort": cohort.title,
                    "first_response": selectors.cohort_response_stats(cohort),
                    "review_time": selectors.review_time_stats(cohort),
                    "schools": selectors.cohort_school_summary(cohort),
                    "rows": rows,
                }
            ).data
        )


class MonitoringSchoolSerializer(serializers.Serializer):
    school_id = serializers.IntegerField(source="pk")
    school = serializers.CharField(source="name")
    teachers = serializers.IntegerField()
    trained_year = serializers.IntegerField()
    trained_3y = serializers.IntegerField()
    share_3y = serializers.IntegerField(allow_null=True)


class MonitoringCourseSerializer(serializers.Serializer):
    course_id = serializers.IntegerField(source="cohort__course_id")
    course = serializers.CharField(source="cohort__course__title")
    hours = serializers.IntegerField(source="cohort__course__hours")
    enrolled = serializers.IntegerField()
    completed = serializers.IntegerField()


class MonitoringDeficitSerializer(serializers.Serializer):
    competency_id = serializers.IntegerField()
    code = serializers.CharField(source="competency__code")
    name = serializers.CharField(source="competency__name")
    found = serializers.IntegerField()
    addressed = serializers.IntegerField(source="fixed")


class MonitoringMentoringSerializer(serializers.Serializer):
    school_id = serializers.IntegerField(source="pk")
    school = serializers.CharField(source="name")
    young_total = serializers.IntegerField()
    young_mentored = serializers.IntegerField()
    young_unmentored = serializers.IntegerField()


class MonitoringCommunitySerializer(serializers.Serializer):
    school_id = serializers.IntegerField(source="pk")
    school = serializers.CharField(source="name")
    members = serializers.IntegerField()
    topics = serializers.IntegerField()
    posts = serializers.IntegerField()
    registrations = serializers.IntegerField()


class MonitoringSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    by_school = MonitoringSchoolSerializer(many=True)
    by_course = MonitoringCourseSerializer(many=True)
    deficits = MonitoringDeficitSerializer(many=True)
    mentoring = MonitoringMentoringSerializer(many=True)
    communities = MonitoringCommunitySerializer(many=True)


class MonitoringAPI(APIView):
    """Municipal monitoring for one school year (municipal administrators)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT)],
        responses=MonitoringSerializer,
        tags=["reports"],
    )
    def get(self, request):
        if not selectors.can_see_monitoring(request.user):
            raise PermissionDenied(_("Municipal monitoring is for municipal administrators."))

        filterset = filterset_or_400(MonitoringFilterSet(_params(request)))
        data = selectors.monitoring(user=request.user, year=filterset.year_value())
        services.export_log_record(
            user=request.user,
            report="monitoring",
            fmt="json",
            filters={"year": data["year"]},
            rows=len(data["by_school"]),
            via="api",
        )
        return Response(MonitoringSerializer(data).data)
