from django.urls import path

from . import api

urlpatterns = [
    path("surveys/profile/", api.MyProfileView.as_view(), name="api-surveys-profile"),
    path(
        "surveys/profiles/<int:user_id>/", api.ProfileOfTeacherView.as_view(), name="api-surveys-profile-of"
    ),
    path("surveys/recommendations/", api.MyRecommendationsView.as_view(), name="api-surveys-recommendations"),
    path("surveys/heatmap/", api.HeatmapView.as_view(), name="api-surveys-heatmap"),
    path("surveys/pending/", api.PendingSurveysView.as_view(), name="api-surveys-pending"),
    path("surveys/<int:pk>/questions/", api.SurveyQuestionsView.as_view(), name="api-survey-questions"),
    path("surveys/<int:pk>/responses/", api.SubmitResponseView.as_view(), name="api-survey-submit"),
    path("surveys/<int:pk>/results/", api.SurveyResultsView.as_view(), name="api-survey-results"),
]
