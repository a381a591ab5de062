from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "ansinh.campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from ansinh.enrolment.signals import enrolled

        from .services import _on_enrolled

        enrolled.connect(_on_enrolled, dispatch_uid="campaigns-credit-collector")
