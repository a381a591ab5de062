from django.urls import path

from . import views

urlpatterns = [
    path("participants/", views.participant_list, name="participant_list"),
    path("participants/export.xlsx", views.participant_export, name="person_export"),
    path("persons/<int:pk>/vsi/", views.vsi_enrol, name="vsi_enrol"),
    path("persons/<int:pk>/vsi/quote/", views.vsi_quote_live, name="vsi_quote_live"),
    path("vsi/<int:pk>/receipt/", views.vsi_receipt, name="vsi_receipt"),
    path("vsi/<int:pk>/receipt/quote/", views.vsi_receipt_quote, name="vsi_receipt_quote"),
    path("households/<int:pk>/hi/", views.hi_enrol, name="hi_enrol"),
    path("households/<int:pk>/receipt/", views.hi_receipt, name="hi_receipt"),
    path("receipts/<int:pk>/", views.receipt_detail, name="receipt_detail"),
]
