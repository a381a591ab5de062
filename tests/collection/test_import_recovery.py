"""An import whose process is gone (a crash, a kill, a restart) shows as failed, its staging
rows are released and the same file imports cleanly (issue 14 item 1, decision 0018)."""

import io
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone, translation

from ansinh.collection import imports, services
from ansinh.collection.choices import ImportStatus, RowStatus
from ansinh.collection.models import ImportRow, ReceiptImport
from ansinh.common import lease
from ansinh.enrolment.models import Receipt
from tests.english import client  # noqa: F401 - fixture: pages in English

from .test_imports import csv_bytes, row, run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def dead_owner() -> str:
    """The owner string of a process that has ended (started, waited for)."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return f"{socket.gethostname()}:{p.pid}:1"


def stuck_import(user, a, owner, status=ImportStatus.WRITING, heartbeat=None):
    """What a process killed mid-write leaves: checked, staged as accepted, never finished."""
    data = csv_bytes([row("BL-1", a)])
    batch = ReceiptImport.objects.create(
        uploaded_by=user,
        file_name="bienlai.csv",
        sha256="x",
        organisation=user.organisation,
        status=status,
        owner=owner,
        heartbeat_at=heartbeat or timezone.now(),
        total=1,
        done=1,
    )
    ImportRow.objects.create(
        batch=batch, line=2, status=RowStatus.ACCEPTED, number="BL-1", person_id=a.person_id
    )
    return batch, data


class HeldElsewhere:
    """PostgreSQL: a live job's lock, held by another connection (another process's, as far
    as the check can tell). SQLite: nothing to hold."""

    def __init__(self, key):
        self.key, self.ready, self.done = key, threading.Event(), threading.Event()

    def _run(self):
        try:
            lease.hold(self.key)
            self.ready.set()
            self.done.wait(30)
            lease.release(self.key)
        finally:
            connection.close()

    def __enter__(self):
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        assert self.ready.wait(30)
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def test_a_stopped_import_shows_failed_and_the_same_file_imports_cleanly(client, users, two):  # noqa: F811
    a, _b = two
    user = users["postmgr"]
    batch, data = stuck_import(user, a, dead_owner())
    client.force_login(user)
    page = client.get(f"/collection/imports/{batch.pk}/")
    assert page.status_code == 200
    assert "Nothing was written: upload the file again." in page.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.finished
    assert "Nothing was written: upload the file again." in batch.message
    assert not ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).exists()
    assert ImportRow.objects.get(batch=batch).status == RowStatus.SKIPPED
    assert not Receipt.objects.exists()
    again = run(user, data)
    assert again.status == ImportStatus.DONE, again.message
    assert Receipt.objects.filter(number="BL-1").count() == 1


def test_the_list_of_imports_recovers_too(client, users, two):  # noqa: F811
    a, _b = two
    batch, _data = stuck_import(users["postmgr"], a, dead_owner(), ImportStatus.VALIDATING)
    client.force_login(users["postmgr"])
    assert client.get("/collection/imports/new/").status_code == 200
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED


def test_the_start_up_command_recovers_in_vietnamese(users, two):
    a, _b = two
    batch, _data = stuck_import(users["postmgr"], a, dead_owner())
    out = io.StringIO()
    call_command("jobs", "recover", stdout=out)
    assert f"import {batch.pk} (bienlai.csv)" in out.getvalue()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert "Không có gì được ghi" in batch.message  # Vietnamese first
    out = io.StringIO()
    call_command("jobs", "recover", stdout=out)  # idempotent
    assert "0 stopped import(s)" in out.getvalue()


def test_a_running_import_is_left_running(users, two):
    a, _b = two
    batch, _data = stuck_import(users["postmgr"], a, lease.this_owner())
    with HeldElsewhere(batch.pk):
        assert services.recover_stopped_imports() == []
    batch.refresh_from_db()
    assert batch.status == ImportStatus.WRITING
    assert ImportRow.objects.get(batch=batch).status == RowStatus.ACCEPTED


def test_a_silent_owner_is_gone_after_the_lease(users, two, settings):
    """A host that vanished without a word: its heartbeat stops."""
    a, _b = two
    settings.JOB_LEASE_SECONDS = 600
    old = timezone.now() - timedelta(seconds=601)
    batch, _data = stuck_import(users["postmgr"], a, "other-host:1234:5", heartbeat=old)
    with HeldElsewhere(batch.pk):  # even with its PostgreSQL session not yet ended
        assert [b.pk for b in services.recover_stopped_imports()] == [batch.pk]


def test_an_owner_on_another_host_within_its_lease_is_not_judged_by_pid(users, two):
    a, _b = two
    batch, _data = stuck_import(users["postmgr"], a, "other-host:1:5")
    with HeldElsewhere(batch.pk):
        assert services.recover_stopped_imports() == []


def test_a_reused_pid_is_not_taken_for_the_owner():
    me = lease.this_owner()
    host, pid, start = me.split(":")
    assert lease.process_alive(me) is True
    if start:  # Linux: the start time tells a new process with the same pid apart
        assert lease.process_alive(f"{host}:{pid}:{int(start) + 1}") is False
    assert lease.process_alive(dead_owner()) is False
    assert lease.process_alive("elsewhere:1:1") is None


def test_a_worker_does_not_run_an_import_declared_stopped(users, two):
    a, _b = two
    batch, data = stuck_import(users["postmgr"], a, dead_owner())
    services.recover_stopped_imports()
    batch.refresh_from_db()
    assert imports.run_import(batch, users["postmgr"], io.BytesIO(data)).status == (
        ImportStatus.FAILED
    )
    assert not Receipt.objects.exists()


def test_an_import_is_done_in_the_transaction_that_writes_it(users, two, monkeypatch):
    """Fencing: an import declared stopped while it wrote (a recovery that judged wrongly)
    cannot commit its rows afterwards: nothing is written and it stays failed."""
    a, _b = two

    def declared_stopped(stage, done):
        if stage == "months":
            ReceiptImport.objects.update(status=ImportStatus.FAILED)

    monkeypatch.setattr(imports, "checkpoint", declared_stopped)
    batch = run(users["postmgr"], csv_bytes([row("BL-1", a)]))
    assert batch.status == ImportStatus.FAILED
    assert "declared stopped" in batch.message
    assert not Receipt.objects.exists()


KILLED = textwrap.dedent(
    """
    import os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "ansinh.settings"
    django.setup()
    from ansinh.accounts.models import User
    from ansinh.collection import imports
    from ansinh.collection.models import ReceiptImport

    def hang(stage, done):
        if stage == sys.argv[2]:
            open(sys.argv[3], "w").close()
            time.sleep(600)

    imports.checkpoint = hang
    batch = ReceiptImport.objects.get(pk=int(sys.argv[1]))
    imports.run_import(batch, User.objects.get(username="postmgr"))
    """
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stage", ["validate", "receipts"])
def test_an_import_killed_mid_run_is_recovered_at_start_up(users, two, tmp_path, stage):
    """A real process, killed with SIGKILL while it checks or while it writes."""
    if connection.vendor != "postgresql":
        pytest.skip("the test database must be shared with a second process")
    a, b = two
    user = users["postmgr"]
    data = csv_bytes([row("BL-1", a), row("BL-2", b, months=3)])
    batch = ReceiptImport.objects.create(
        uploaded_by=user, file_name="bienlai.csv", sha256="x", organisation=user.organisation
    )
    batch.file.save("bienlai.csv", io.BytesIO(data))
    ready = tmp_path / "ready"
    env = dict(os.environ, DATABASE_URL=_url(connections["default"].settings_dict))
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(batch.pk), stage, str(ready)], cwd=root, env=env
    )
    try:
        for _ in range(600):
            if ready.exists() or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), "the import never reached the stage"
        batch.refresh_from_db()
        assert batch.status in (ImportStatus.VALIDATING, ImportStatus.WRITING)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    call_command("jobs", "recover", stdout=io.StringIO())
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert not ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).exists()
    assert not Receipt.objects.exists()
    again = run(user, data)
    assert again.status == ImportStatus.DONE, again.message
    assert Receipt.objects.count() == 2


def _url(d) -> str:
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"
