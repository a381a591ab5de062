"""Background work of the risk app (django-tasks, like collection.tasks): with the default
ImmediateBackend it runs in-process; with the database backend, in `manage.py db_worker`."""

from django_tasks import task


@task()
def score_runs_task(run_ids: list[int]) -> int:
    from ansinh.collection.models import CycleRun

    from .services import score_run

    return sum(score_run(run) for run in CycleRun.objects.filter(pk__in=run_ids))


@task()
def retrain_task() -> int:
    from .services import retrain_and_score

    return len(retrain_and_score())
