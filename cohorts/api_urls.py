from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import CohortViewSet, EnrollmentViewSet, QuizAttemptViewSet, SubmissionViewSet
from .certificates.api import CertificateVerifyView, MyCertificateViewSet

router = SimpleRouter()
router.register("cohorts", CohortViewSet, basename="cohort")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("quiz-attempts", QuizAttemptViewSet, basename="quiz-attempt")
router.register("certificates", MyCertificateViewSet, basename="certificate")

urlpatterns = [
    path("certificates/verify/<str:code>/", CertificateVerifyView.as_view(), name="certificate-verify"),
    *router.urls,
]
