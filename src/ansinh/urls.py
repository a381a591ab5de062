from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("ansinh.web.urls")),
    path("", include("ansinh.registry.urls")),
    path("", include("ansinh.enrolment.urls")),
    path("", include("ansinh.counselling.urls")),
    path("", include("ansinh.collection.urls")),
    path("api/v1/collection/", include("ansinh.collection.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's start-up script as a file (CSP: no inline script)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="web/redoc.html"),
        name="api_redoc",
    ),
    path("", include("ansinh.targets.urls")),
    path("", include("ansinh.campaigns.urls")),
    path("", include("ansinh.reports.urls")),
    path("", include("ansinh.lookup.urls")),
    path("", include("ansinh.risk.urls")),
]

handler404 = "ansinh.web.views.not_found"
