from django.urls import path

from . import views

urlpatterns = [
    path("cycles/", views.CycleList.as_view(), name="api_cycles"),
    path("cycles/<int:pk>/entries/", views.CycleEntries.as_view(), name="api_cycle_entries"),
    path("receipts/", views.ReceiptCreate.as_view(), name="api_receipts"),
    path("reasons/", views.ReasonCreate.as_view(), name="api_reasons"),
]
