from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ParametersConfig(AppConfig):
    name = "ansinh.parameters"
    verbose_name = _("Legal parameters")

    def ready(self):
        post_migrate.connect(_seed, sender=self)


def _seed(sender, using="default", **kwargs):
    """Insert the shipped legal figures not yet in the table (never overwrites an edit)."""
    from .table import seed_defaults

    seed_defaults()
