from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("search/", views.search, name="search"),
    path("preview/", views.markdown_preview, name="preview"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("feed/<str:token>.ics", views.community_feed, name="feed"),
    path("t/<int:pk>/", views.topic_detail, name="topic"),
    path("t/<int:pk>/unread/", views.topic_first_unread, name="topic_unread"),
    path("t/<int:pk>/reply/", views.topic_reply, name="topic_reply"),
    path("t/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("t/<int:pk>/follow/", views.topic_follow, name="topic_follow"),
    path("t/<int:pk>/solution/", views.topic_solution, name="topic_solution"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/useful/", views.post_useful, name="post_useful"),
    path("p/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("p/<int:pk>/report/", views.post_report, name="post_report"),
    path("m/<int:pk>/", views.material_detail, name="material"),
    path("e/<int:pk>/", views.event_detail, name="event"),
    path("e/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("c/<slug:slug>/", views.community_detail, name="detail"),
    path("c/<slug:slug>/join/", views.community_join, name="join"),
    path("c/<slug:slug>/leave/", views.community_leave, name="leave"),
    path("c/<slug:slug>/follow/", views.community_follow, name="follow"),
    path("c/<slug:slug>/new/", views.topic_create, name="topic_create"),
    path("c/<slug:slug>/similar/", views.topic_suggestions, name="suggestions"),
    path("c/<slug:slug>/members/", views.community_members, name="members"),
    path("c/<slug:slug>/members/<int:pk>/", views.membership_decide, name="membership_decide"),
    path("c/<slug:slug>/reports/", views.community_reports, name="reports"),
    path("c/<slug:slug>/reports/<int:pk>/resolve/", views.report_resolve, name="report_resolve"),
    path("c/<slug:slug>/materials/", views.material_list, name="materials"),
    path("c/<slug:slug>/materials/new/", views.material_create, name="material_create"),
    path("c/<slug:slug>/events/", views.event_list, name="events"),
    path("c/<slug:slug>/events/new/", views.event_create, name="event_create"),
]
