from django.urls import path

from . import views

app_name = "mentoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("matching/", views.matching, name="matching"),
    path("matching/<int:mentee_id>/", views.suggestions, name="suggestions"),
    path("matching/<int:mentee_id>/propose/", views.pair_propose, name="pair_propose"),
    path("mentors/", views.mentors, name="mentors"),
    path("profile/", views.mentor_profile, name="mentor_profile"),
    path("mentors/<int:mentor_id>/capacity/", views.mentor_capacity, name="mentor_capacity"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/accept/", views.pair_accept, name="pair_accept"),
    path("pairs/<int:pk>/stop/", views.pair_stop, name="pair_stop"),
    path("pairs/<int:pk>/complete/", views.pair_complete, name="pair_complete"),
    path("pairs/<int:pk>/focus/", views.pair_focus, name="pair_focus"),
    path("pairs/<int:pk>/goals/", views.goal_create, name="goal_create"),
    path("pairs/<int:pk>/goals/<int:goal_id>/state/", views.goal_set_state, name="goal_set_state"),
    path("pairs/<int:pk>/meetings/", views.meeting_create, name="meeting_create"),
    path("pairs/<int:pk>/messages/", views.message_create, name="message_create"),
    path("pairs/<int:pk>/feedback/", views.feedback_create, name="feedback_create"),
    path("pairs/<int:pk>/feedback/<int:feedback_id>/share/", views.feedback_share, name="feedback_share"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/goals/", views.plan_goal_create, name="plan_goal_create"),
    path("plans/<int:pk>/goals/<int:goal_id>/state/", views.plan_goal_set_state, name="plan_goal_set_state"),
    path("reports/", views.reports, name="reports"),
    path("reports/coverage.<str:fmt>", views.report_export, name="report_export"),
]
