from django.urls import path

from . import views

urlpatterns = [
    path("persons/", views.person_search, name="person_search"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/compulsory/", views.compulsory_add, name="compulsory_add"),
    path("persons/<int:pk>/support/", views.support_add, name="support_add"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
]
