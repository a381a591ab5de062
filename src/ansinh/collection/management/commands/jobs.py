"""`manage.py jobs recover` (or `ansinh jobs recover`): after a crash or a restart, mark the
background jobs whose process is gone as failed and release what they held (decision 0018).

Run it at start-up, before the web server and the worker (e.g. systemd ExecStartPre=); the
import pages run the same check whenever they are shown. Idempotent.

* Receipt and reason imports: one whose process is gone is marked failed ("nothing was
  written, upload the file again") and its accepted staging rows are released.
* Background tasks (the database task backend's rows: imports, the figures refresh, the
  lapse-risk scores) left "running" by a `manage.py worker` that is gone are marked failed
  (what they had not committed was rolled back); an import its worker took but never began
  is failed with them. The figures are asked for again by the next page that finds them stale.
* The monthly cycle and the figures refresh run in one transaction each: a process that
  ends mid-run leaves nothing (the database rolls its transaction back), so there is no
  state to release; run them again (both are idempotent).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation


class Command(BaseCommand):
    help = "Mark background jobs whose process is gone as failed and release their rows."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("recover", help="After a crash or a restart (idempotent).")

    def handle(self, *args, action, **options):
        from ansinh.collection.services import recover_stopped_imports
        from ansinh.collection.tasks import run_import_task
        from ansinh.common.lease import recover_stopped_tasks

        tasks = recover_stopped_tasks()
        for task in tasks:
            self.stdout.write(
                f"task {task.id} ({task.task_path}): its worker {task.worker_ids[-1]} is gone; "
                "marked failed"
            )
        self.stdout.write(f"{len(tasks)} stopped task(s) recovered")
        never_started = [
            t.args_kwargs["args"][0]
            for t in tasks
            if t.task_path == run_import_task.module_path and t.args_kwargs.get("args")
        ]
        with translation.override(settings.LANGUAGE_CODE):  # the stored message: Vietnamese
            stopped = recover_stopped_imports(never_started=never_started)
        for batch in stopped:
            self.stdout.write(
                f"import {batch.pk} ({batch.file_name}): its process is gone; marked failed, "
                "nothing was written"
            )
        self.stdout.write(f"{len(stopped)} stopped import(s) recovered")  # last (tests/faults)
