from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("communities", api.CommunityViewSet, basename="community")
router.register("community-topics", api.TopicViewSet, basename="community-topic")
router.register("community-posts", api.PostViewSet, basename="community-post")
router.register("community-events", api.EventViewSet, basename="community-event")

urlpatterns = router.urls
