from django.urls import path

from . import views

urlpatterns = [
    path("office/", views.office_detail, name="office_detail"),
    path("targets/", views.target_index, name="target_index"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("targets/population/template.xlsx", views.population_template, name="population_template"),
    path("targets/population/", views.population_upload, name="population_upload"),
]
