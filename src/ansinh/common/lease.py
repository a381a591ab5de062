"""Who runs a background job, and whether that process is still there (decision 0018).

A job that may outlive a request (a receipt import) records its owner, "host:pid:start"
(`start` is the process's start time in clock ticks from /proc, so a reused pid is not taken
for the owner), and a heartbeat it renews as it works. On PostgreSQL the running job also
holds a session advisory lock on its own connection (`hold`): the server releases it the
moment that connection ends, whichever way the process ended, on whatever host.

`owner_gone` says a job's process is gone when, in this order:

1. PostgreSQL: nobody holds the job's lock (it ended; nothing else can tell sooner or surer);
2. the heartbeat is older than `JOB_LEASE_SECONDS` (default 600): a host that vanished
   without closing its connection, or a process stuck beyond any batch's duration;
3. SQLite (one machine): the owner ran on this host and its pid is no longer that process
   (not running, a zombie, or another process since).

Ground floor: imports nothing from the other AnSinh apps.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

#: The first key of the advisory locks the jobs hold (the second is the job's id).
LOCK_SPACE = 7018


def lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", 600))


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) of a process from /proc, or None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except FileNotFoundError:
        return ("gone", "")
    except OSError:
        return None
    # The command (field 2) may hold spaces and parentheses: the fields follow its last ")".
    fields = data[data.rindex(")") + 2 :].split()
    return fields[0], fields[19]  # field 3, state; field 22, start time


def this_owner() -> str:
    pid = os.getpid()
    stat = _stat(pid)
    return f"{socket.gethostname()}:{pid}:{stat[1] if stat else ''}"


def process_alive(owner: str) -> bool | None:
    """Whether the owner process still runs: True or False when it ran on this host, None
    when it ran on another (this process cannot tell)."""
    host, _sep, rest = owner.partition(":")
    pid_text, _sep, start = rest.partition(":")
    if not host or host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # runs, as another user
        pass
    stat = _stat(pid)
    if stat is None:
        return True
    state, now_start = stat
    if state in ("gone", "Z", "X"):  # ended (a zombie is a process that has ended)
        return False
    return not (start and now_start != start)  # the pid now belongs to another process


def _lock_sql(fn: str) -> str:
    return f"SELECT {fn}(%s, %s)"


def hold(key: int) -> None:
    """PostgreSQL: take the job's session lock on this thread's connection (no-op elsewhere)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(_lock_sql("pg_advisory_lock"), [LOCK_SPACE, key])


def release(key: int) -> None:
    if connection.vendor == "postgresql" and connection.connection is not None:
        with connection.cursor() as cur:
            cur.execute(_lock_sql("pg_advisory_unlock"), [LOCK_SPACE, key])


def lock_held(key: int) -> bool | None:
    """PostgreSQL: whether a live session holds the job's lock; None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute(_lock_sql("pg_try_advisory_lock"), [LOCK_SPACE, key])
        if not cur.fetchone()[0]:
            return True
        cur.execute(_lock_sql("pg_advisory_unlock"), [LOCK_SPACE, key])
    return False


def owner_gone(key: int, owner: str, heartbeat_at: datetime | None, now=None) -> bool:
    """Whether the process that runs job `key` (owner, last heartbeat) is gone for good."""
    held = lock_held(key)
    if held is False:
        return True
    now = now or timezone.now()
    if heartbeat_at is None or heartbeat_at < now - timedelta(seconds=lease_seconds()):
        return True
    if held:
        return False
    return process_alive(owner) is False


class WorkerGone(Exception):
    """What a background task whose worker process ended before it finished is failed with
    (`recover_stopped_tasks`; shown as its error wherever the task's result is read)."""


def recover_stopped_tasks() -> list:
    """The background tasks (django-tasks-db rows) still "running" whose worker is gone,
    marked failed (decision 0018); the rows. `manage.py worker` runs the worker under its
    owner ("host:pid:start") as the worker id, so a task it claimed is judged like an import:
    gone when its worker ran on this host and is no longer that process. A task claimed by a
    worker on another host, or by a plain `db_worker` (a random id), is left as it is."""
    from django_tasks_db.models import DBTaskResult

    stopped = []
    for task in DBTaskResult.objects.running().order_by("started_at"):
        worker = task.worker_ids[-1] if task.worker_ids else ""
        if process_alive(worker) is not False:
            continue
        task.set_failed(
            WorkerGone(
                f"the worker {worker} ended (a crash, a kill or a restart) before the task "
                "finished; what it had not committed was rolled back"
            )
        )
        stopped.append(task)
    return stopped
