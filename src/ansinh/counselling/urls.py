from django.urls import path

from . import views

urlpatterns = [
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("counsel/", views.counsel, name="counsel"),
    path("counsel/leaving-job.pdf", views.leaving_job_pdf, name="counsel_pdf"),
    path("persons/<int:pk>/counsel/", views.person_counsel, name="person_counsel"),
]
