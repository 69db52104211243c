from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/fill/", views.survey_fill, name="fill"),
    path("<int:pk>/autosave/", views.survey_autosave, name="autosave"),
    path("<int:pk>/thanks/", views.survey_thanks, name="thanks"),
    path("<int:pk>/preview/", views.survey_preview, name="preview"),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/non-respondents/", views.survey_non_respondents, name="non_respondents"),
    path("<int:pk>/remind-now/", views.survey_remind_now, name="remind_now"),
    path("profile/", views.my_profile, name="profile"),
    path("profile/chart.<str:fmt>", views.my_profile_chart, name="profile_chart"),
    path("<int:pk>/results/", views.survey_results, name="results"),
    path("<int:pk>/results/chart.<str:fmt>", views.survey_results_chart, name="results_chart"),
    path("<int:pk>/export/<str:what>.<str:fmt>", views.survey_export, name="export"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_id>/download/", views.export_download, name="export_download"),
    path("heatmap/", views.heatmap, name="heatmap"),
]
