from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "ansinh.collection"
    verbose_name = _("Collection")

    def ready(self):
        from ansinh.enrolment.signals import vsi_paid

        from . import services, sql  # noqa: F401  (sql registers the anyof lookup)

        def on_vsi_paid(sender, enrolment_ids, on, **kwargs):
            services.resolve_paid_visits(enrolment_ids, on=on)

        vsi_paid.connect(on_vsi_paid, dispatch_uid="collection.resolve_paid_visits")
