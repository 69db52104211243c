from rest_framework.routers import SimpleRouter

from .api import CohortViewSet, EnrollmentViewSet, SubmissionViewSet

router = SimpleRouter()
router.register("cohorts", CohortViewSet, basename="cohort")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("submissions", SubmissionViewSet, basename="submission")

urlpatterns = router.urls
