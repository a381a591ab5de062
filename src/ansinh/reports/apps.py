from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ansinh.reports"
    verbose_name = _("Reports")

    def ready(self):
        from ansinh.collection.signals import cycle_command_done

        from .figures import refresh

        def after_cycle(sender, month, **kwargs):
            for m in (month - 1, month):
                refresh(m.first_day())

        cycle_command_done.connect(after_cycle, dispatch_uid="reports.refresh_after_cycle")
