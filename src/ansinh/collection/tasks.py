"""Background work (django-tasks). With the default ImmediateBackend a task runs in-process
before the page returns; with the database backend (ANSINH_TASK_BACKEND=
django_tasks_db.DatabaseBackend) run the worker: `manage.py worker`."""

from django_tasks import task


@task()
def run_import_task(import_id: int, user_id: int) -> str:
    from ansinh.accounts.models import User

    from .imports import run_import
    from .models import ReceiptImport

    batch = ReceiptImport.objects.get(pk=import_id)
    user = User.objects.get(pk=user_id)
    return run_import(batch, user).status  # a batch already declared stopped is left as it is
