from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path(
        "files/organisations/<int:organisation_id>/logo/", views.organisation_logo, name="organisation_logo"
    ),
    path(
        "files/signatories/<int:signatory_id>/signature/",
        views.signatory_signature,
        name="signatory_signature",
    ),
    path("<slug:slug>/", views.course_detail, name="detail"),
]
