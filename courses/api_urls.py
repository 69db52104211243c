from rest_framework.routers import SimpleRouter

from .api import CompetencyViewSet, CourseViewSet

router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("competencies", CompetencyViewSet, basename="competency")

urlpatterns = router.urls
