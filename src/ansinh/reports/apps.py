from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ansinh.reports"
    verbose_name = "Reports"
