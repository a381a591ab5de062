from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "ansinh.collection"
    verbose_name = _("Collection")

    def ready(self):
        from . import sql  # noqa: F401  (registers the anyof lookup)
