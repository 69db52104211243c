from django.urls import path

from . import views
from .certificates import views as certificate_views

app_name = "cohorts"
urlpatterns = [
    path("cohort/<int:cohort_id>/enrol/", views.enrol, name="enrol"),
    path("my/<int:enrollment_id>/", views.player, name="player"),
    path("my/<int:enrollment_id>/lesson/<int:lesson_id>/", views.lesson, name="lesson"),
    path(
        "my/<int:enrollment_id>/lesson/<int:lesson_id>/position/",
        views.lesson_position,
        name="lesson_position",
    ),
    path("my/<int:enrollment_id>/quiz/<int:lesson_id>/", views.quiz, name="quiz"),
    path("my/<int:enrollment_id>/quiz-attempt/<int:attempt_id>/", views.quiz_attempt, name="quiz_attempt"),
    path(
        "my/<int:enrollment_id>/quiz-attempt/<int:attempt_id>/answer/",
        views.quiz_answer,
        name="quiz_answer",
    ),
    path("quizzes/<int:quiz_id>/statistics/", views.quiz_statistics, name="quiz_statistics"),
    path("my/<int:enrollment_id>/assignment/<int:assignment_id>/", views.assignment, name="assignment"),
    path("my/<int:enrollment_id>/questions/", views.questions, name="questions"),
    path(
        "my/<int:enrollment_id>/announcement/<int:announcement_id>/read/",
        views.announcement_read,
        name="announcement_read",
    ),
    path("my/<int:enrollment_id>/session/<int:session_id>/check-in/", views.check_in, name="check_in"),
    path("my/<int:enrollment_id>/withdraw/", views.withdraw, name="withdraw"),
    path("my/<int:enrollment_id>/offer/", views.offer, name="offer"),
    path("my/<int:enrollment_id>/nomination/", views.nomination_respond, name="nomination_respond"),
    path("nominations/", views.nominations, name="nominations"),
    path("nominations/cohort/<int:cohort_id>/", views.nominate, name="nominate"),
    path("bulk/<int:operation_id>/", views.bulk, name="bulk"),
    path("bulk/<int:operation_id>/undo/", views.split_undo, name="split_undo"),
    path("curate/", views.curate, name="curate"),
    path("curate/<int:cohort_id>/", views.curate_cohort, name="curate_cohort"),
    path(
        "curate/<int:cohort_id>/announcement/<int:announcement_id>/",
        views.announcement_detail,
        name="announcement_detail",
    ),
    path("curate/<int:cohort_id>/session/<int:session_id>/attendance/", views.attendance, name="attendance"),
    path("curate/<int:cohort_id>/enrollment/<int:enrollment_id>/move/", views.move, name="move"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/<int:submission_id>/", views.review, name="review"),
    path("questions/", views.question_queue, name="question_queue"),
    path("questions/<int:question_id>/", views.question_answer, name="question_answer"),
    path("files/submissions/<int:version_id>/", views.submission_file, name="submission_file"),
    path("files/lessons/<int:lesson_id>/<str:kind>/", views.lesson_file, name="lesson_file"),
    path(
        "files/certificate-templates/<int:template_id>/background/",
        certificate_views.template_background,
        name="certificate_template_background",
    ),
    path("certificates/<int:enrollment_id>/", certificate_views.certificate_page, name="certificate_page"),
    path(
        "certificates/<int:enrollment_id>/open-badge.<str:fmt>",
        certificate_views.badge_download,
        name="certificate_badge",
    ),
    path(
        "certificates/<int:enrollment_id>/download/", certificate_views.download, name="certificate_download"
    ),
    path(
        "certificates/cohort/<int:cohort_id>/school.zip",
        certificate_views.school_zip,
        name="certificate_school_zip",
    ),
    path("certificates/issue/<int:batch_id>/", certificate_views.batch, name="certificate_batch"),
]
