from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "ansinh.targets"
    verbose_name = "Targets"
