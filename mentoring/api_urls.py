from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("mentoring/pairs", api.PairViewSet, basename="mentoring-pair")
router.register("mentoring/goals", api.PairGoalViewSet, basename="mentoring-goal")
router.register("mentoring/meetings", api.MeetingViewSet, basename="mentoring-meeting")
router.register("mentoring/plans", api.PlanViewSet, basename="mentoring-plan")

urlpatterns = router.urls
