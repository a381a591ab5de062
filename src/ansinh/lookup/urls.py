from django.urls import path

from . import views

urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/qr/<str:si_code>.svg", views.lookup_qr, name="lookup_qr"),
]
