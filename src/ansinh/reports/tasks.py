"""Background work of the reports app (django-tasks, like collection.tasks): with the default
ImmediateBackend it runs in-process, at once; with the database backend
(ANSINH_TASK_BACKEND=django_tasks_db.DatabaseBackend), in `manage.py db_worker`."""

from datetime import date, datetime

from django_tasks import task

from ansinh.common.pg_settings import one_core


@task()
def refresh_figures_task(
    month: str, communes: list[str] | None, asked_at: str, wait: bool = True
) -> int:
    """Refresh a stale month of the figures summary (decision 0026); the number of rows
    stored, 0 when they were refreshed after `asked_at` already. Its queries take one core
    (decision 0030)."""
    from .figures import refresh_unless_since

    with one_core():
        return refresh_unless_since(
            date.fromisoformat(month), communes, datetime.fromisoformat(asked_at), wait
        )


@task()
def refresh_on_time_task(user_id: int, month: str) -> int:
    """Recompute the dashboard's on-time share for the user's scope and keep it (decision
    0026); the number of communes. Its queries take one core (decision 0030)."""
    from ansinh.accounts.models import User
    from ansinh.rules.months import Month

    from .queries import keep_on_time

    with one_core():
        return len(keep_on_time(User.objects.get(pk=user_id), Month.parse(month)))
