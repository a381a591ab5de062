from django.urls import path

from . import views

urlpatterns = [
    path("collection/", views.home, name="collection_home"),
    path("collection/organisations/new/", views.organisation_new, name="collection_org_new"),
    path(
        "collection/organisations/<int:pk>/",
        views.organisation_detail,
        name="collection_organisation",
    ),
    path(
        "collection/collectors/<int:pk>/reassign/",
        views.collector_reassign,
        name="collection_reassign",
    ),
    path("collection/cycles/issue/", views.cycle_issue, name="collection_issue"),
    path("collection/cycles/<int:pk>/", views.cycle_detail, name="collection_cycle"),
    path(
        "collection/cycles/<int:pk>/<str:kind>.xlsx",
        views.cycle_download,
        name="collection_download",
    ),
    path("collection/cycles/<int:pk>/unpaid/", views.cycle_unpaid, name="collection_unpaid"),
    path("collection/cycles/<int:pk>/due/", views.cycle_due, name="collection_due"),
    path("collection/entries/<int:pk>/reason/", views.entry_reason, name="collection_reason"),
    path("collection/entries/<int:pk>/visit/", views.entry_visit, name="collection_visit"),
    path("collection/my/", views.my_list, name="collection_my_list"),
    path("collection/visits/", views.my_visits, name="collection_my_visits"),
    path("collection/imports/new/", views.import_new, name="collection_import_new"),
    path("collection/imports/<int:pk>/", views.import_detail, name="collection_import"),
    path(
        "collection/imports/template/<str:kind>.<str:fmt>",
        views.import_template,
        name="collection_import_template",
    ),
    path("collection/measures/", views.measures, name="collection_measures"),
    path("collection/official-lists/", views.official_list, name="collection_official_list"),
    path("collection/notices/<int:pk>/read/", views.notice_read, name="collection_notice_read"),
]
