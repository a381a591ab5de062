from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("reports/period/", views.period_report, name="period_report"),
    path("leaderboard/", views.leaderboard_view, name="leaderboard"),
]
