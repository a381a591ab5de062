from django.urls import path

from . import prospects, views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/ranking/", views.ranking, name="campaign_ranking"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/days/new/", views.day_create, name="day_create"),
    path("days/<int:pk>/", views.day_detail, name="day_detail"),
    path("days/<int:pk>/report.<str:fmt>", views.day_report, name="day_report"),
    path("days/<int:pk>/visits/", views.visit_log, name="visit_log"),
    path("days/<int:pk>/people/", views.people_pick, name="people_pick"),
    path("days/<int:pk>/people/day/", views.people_day, name="people_day"),
    path("visits/sync/", views.visit_sync, name="visit_sync"),
    path("communication/", views.activity_list, name="activity_list"),
    path("prospects/", prospects.prospect_list, name="prospects"),
]
