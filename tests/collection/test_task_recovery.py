"""Background tasks (the database task backend's rows) left "running" by a worker that is
gone are marked failed by `manage.py jobs recover`, and an import its worker took but never
began with them, so that it does not wait for ever (issue 14 item 1, decision 0018). Seen on
the demo office on PostgreSQL: a `db_worker` killed mid-import left its task "running" for
ever, though the import itself showed as failed."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ansinh.collection.choices import ImportStatus
from ansinh.collection.models import ReceiptImport
from ansinh.collection.tasks import run_import_task
from ansinh.common import lease
from ansinh.enrolment.models import Receipt
from ansinh.reports.tasks import refresh_figures_task

from .test_import_recovery import dead_owner
from .test_imports import csv_bytes, row, run

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def running(task, args, worker):
    """What a worker that claimed the task leaves: the row 'running', its id at the end."""
    return DBTaskResult.objects.create(
        task_path=task.module_path,
        args_kwargs={"args": args, "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=[worker],
    )


def status(task):
    task.refresh_from_db()
    return task.status


def test_a_task_whose_worker_is_gone_is_marked_failed(settings):
    settings.TASKS = DB_TASKS
    gone = running(refresh_figures_task, ["2026-11-01", None, "2026-12-01T00:00:00"], dead_owner())
    alive = running(
        refresh_figures_task, ["2026-10-01", None, "2026-12-01T00:00:00"], lease.this_owner()
    )
    random_id = running(refresh_figures_task, ["2026-09-01", None, "2026-12-01T00:00:00"], "Zx9")
    elsewhere = running(refresh_figures_task, ["2026-08-01", None, "2026-12-01T00:00:00"], "h2:1:1")
    out = io.StringIO()
    call_command("jobs", "recover", stdout=out)
    assert status(gone) == TaskResultStatus.FAILED
    assert gone.exception_class_path == "ansinh.common.lease.WorkerGone"
    assert "ended (a crash, a kill or a restart)" in gone.traceback
    result = gone.task_result  # readable as a result, with its error
    assert result.status == TaskResultStatus.FAILED and result.errors
    assert all(status(t) == TaskResultStatus.RUNNING for t in (alive, random_id, elsewhere))
    assert f"task {gone.id} (ansinh.reports.tasks.refresh_figures_task)" in out.getvalue()
    assert "1 stopped task(s) recovered" in out.getvalue()
    out = io.StringIO()
    call_command("jobs", "recover", stdout=out)  # idempotent
    assert "0 stopped task(s) recovered" in out.getvalue()


def test_an_import_whose_worker_ended_before_it_began_is_failed(users, two, settings):
    settings.TASKS = DB_TASKS
    a, _b = two
    user = users["postmgr"]
    data = csv_bytes([row("BL-1", a)])
    batch = ReceiptImport.objects.create(
        uploaded_by=user, file_name="bienlai.csv", sha256="x", organisation=user.organisation
    )
    assert batch.status == ImportStatus.PENDING
    task = running(run_import_task, [batch.pk, user.pk], dead_owner())
    waiting = ReceiptImport.objects.create(  # queued, no worker has taken it: left waiting
        uploaded_by=user, file_name="sau.csv", sha256="y", organisation=user.organisation
    )
    call_command("jobs", "recover", stdout=io.StringIO())
    assert status(task) == TaskResultStatus.FAILED
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.finished
    with translation.override("en"):
        assert "Không có gì được ghi" in batch.message  # stored in Vietnamese first
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.PENDING
    assert not Receipt.objects.exists()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert run(user, data).status == ImportStatus.DONE  # the same file imports cleanly


@pytest.mark.django_db(transaction=True)  # the worker closes its connections as it goes
def test_the_worker_runs_under_its_own_process_as_id(settings):
    """`manage.py worker` is db_worker whose worker id is host:pid:start, so a task it leaves
    running can be judged; the task it ran is recorded under that id."""
    settings.TASKS = DB_TASKS
    result = refresh_figures_task.using(backend="default").enqueue(
        "2026-11-01", [], timezone.now().isoformat(), False
    )
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.worker_ids == [lease.this_owner()]
    assert row.status == TaskResultStatus.SUCCESSFUL
