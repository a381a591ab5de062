from django.urls import path

from . import views

urlpatterns = [path("risk/", views.models_page, name="risk_models")]
