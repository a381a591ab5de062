from django.urls import path

from . import views

urlpatterns = [path("office/", views.office_detail, name="office_detail")]
