from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("export.<str:fmt>", views.school_export, name="school_export"),
    path("teachers/", views.teachers, name="teachers"),
    path("teachers/export.<str:fmt>", views.teachers_export, name="teachers_export"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/<int:cohort_id>/", views.cohort_report, name="cohort"),
    path("cohorts/<int:cohort_id>/export.<str:fmt>", views.cohort_export, name="cohort_export"),
    path("school-moves/", views.school_moves, name="school_moves"),
    path("school-moves/ask/", views.school_move_create, name="school_move_create"),
    path("school-moves/<int:move_id>/decide/", views.school_move_decide, name="school_move_decide"),
    path("import/", views.teacher_import, name="teacher_import"),
    path("school-changes/", views.school_changes, name="school_changes"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/export.xlsx", views.monitoring_export, name="monitoring_export"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job_download"),
]
