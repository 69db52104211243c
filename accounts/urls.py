from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/move/<int:move_id>/withdraw/", views.school_move_cancel, name="school_move_cancel"),
    path("tokens/new/", views.api_token_new, name="api_token_new"),
    path("tokens/<int:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path("schools/", views.school_options, name="school_options"),
]
