from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "ansinh.risk"
    verbose_name = _("Lapse risk")

    def ready(self):
        from ansinh.collection.signals import cycle_command_done, cycle_issued

        from . import tasks

        def on_issued(sender, run_ids, **kwargs):
            tasks.score_runs_task.enqueue(list(run_ids))

        def on_command(sender, month, **kwargs):
            tasks.retrain_task.enqueue()

        # New lists are scored with the office's model as soon as they are committed; the
        # monthly command (cron on the 25th) then retrains on the outcomes learnt since and
        # scores the lists again (decision 0022). collection never imports this app.
        cycle_issued.connect(on_issued, dispatch_uid="risk.score_new_lists")
        cycle_command_done.connect(on_command, dispatch_uid="risk.retrain_after_cycle")
