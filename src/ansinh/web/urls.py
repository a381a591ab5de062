from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline_fallback, name="offline"),
    path("offline/token/", views.csrf_token, name="offline_token"),
]
