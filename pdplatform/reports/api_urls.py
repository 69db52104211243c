from django.urls import path

from . import api

urlpatterns = [
    path("reports/school/", api.SchoolReportAPI.as_view(), name="api-reports-school"),
    path("reports/teachers/", api.TeacherHoursAPI.as_view(), name="api-reports-teachers"),
    path("reports/cohorts/<int:cohort_id>/", api.CohortReportAPI.as_view(), name="api-reports-cohort"),
    path("reports/monitoring/", api.MonitoringAPI.as_view(), name="api-reports-monitoring"),
]
