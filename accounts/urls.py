from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/move/<int:move_id>/withdraw/", views.school_move_cancel, name="school_move_cancel"),
    path("schools/", views.school_options, name="school_options"),
]
