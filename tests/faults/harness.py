"""Kill a write with SIGKILL at a random moment inside its transaction, on a real database.

A `Database` is a SQLite file or a PostgreSQL database the driver processes
(tests/faults/driver.py, `manage.py cycle run`) use through DATABASE_URL, not the test
database. Every trial starts from a copy of one base database (built once per set of
migrations and cached: a file in the temporary folder, or a PostgreSQL database whose
comment is the hash), so "before" is the same each time, and "after" is the state one
uninterrupted run leaves, measured once per kind.

The kill is aimed inside the write: the parent waits until the ledger's write transaction
is seen open (PostgreSQL: the driver's backend holds a RowExclusiveLock on the kind's table;
SQLite: the import's status row reads "writing", or another connection cannot take the
write lock), then sleeps a seeded random delay drawn from 0 to 1.25 x how long that
transaction stays open in an uninterrupted run, and sends SIGKILL.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
APP_NAME = "ansinh-kill-trial"
KINDS = ("import", "cycle", "reassign")
#: The table whose write lock shows the kind's transaction is open (PostgreSQL).
LOCKED_TABLE = {
    "import": "enrolment_vsienrolment",
    "cycle": "collection_cyclerun",
    "reassign": "registry_person",
}


def base_hash(participants: int) -> str:
    h = hashlib.sha256(str(participants).encode())
    files = sorted((ROOT / "src" / "ansinh").glob("*/migrations/*.py"))
    files += [ROOT / "tests" / "faults" / "driver.py", ROOT / "tests" / "factories.py"]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


# -- the two kinds of database -----------------------------------------------------------------


class Database:
    vendor: str
    folder: Path  # ANSINH_VAR of the driver processes (uploads), and info.json

    def env(self) -> dict:
        env = dict(os.environ, DATABASE_URL=self.url, ANSINH_VAR=str(self.folder))
        env["PGAPPNAME"] = APP_NAME
        env.pop("PYTEST_XDIST_WORKER", None)
        return env

    def run(self, *args, check=True) -> subprocess.CompletedProcess:
        done = subprocess.run([PY, *args], cwd=ROOT, env=self.env(), capture_output=True, text=True)
        if check and done.returncode:
            raise RuntimeError(f"{args} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def popen(self, *args) -> subprocess.Popen:
        return subprocess.Popen(
            [PY, *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


class SqliteDb(Database):
    vendor = "sqlite"

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "ansinh.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def connect(self):
        return sqlite3.connect(self.path, timeout=30)

    def copy_to(self, folder: Path) -> SqliteDb:
        folder.mkdir(parents=True, exist_ok=True)
        other = SqliteDb(folder)
        for suffix in ("", "-wal", "-shm"):
            Path(str(other.path) + suffix).unlink(missing_ok=True)
        with closing_sqlite(self.path) as src, closing_sqlite(other.path) as dst:
            src.backup(dst)
        for name in ("info.json", "bienlai.csv"):
            shutil.copy(self.folder / name, folder / name)
        return other

    def write_locked(self) -> bool:
        """True while another connection holds the write lock (a write transaction is open)."""
        con = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            con.close()

    def import_status(self) -> str | None:
        with closing_sqlite(self.path) as con:
            try:
                row = con.execute(
                    "SELECT status FROM collection_receiptimport ORDER BY id DESC LIMIT 1"
                ).fetchone()
            except sqlite3.OperationalError:
                return None
        return row[0] if row else None

    def in_write(self, kind: str) -> bool:
        if kind == "import":
            return self.import_status() == "writing"
        return self.write_locked()

    def gone(self) -> None:
        pass

    def drop(self) -> None:
        pass


class closing_sqlite:
    def __init__(self, path):
        self.con = sqlite3.connect(path, timeout=30)

    def __enter__(self):
        return self.con

    def __exit__(self, *exc):
        self.con.close()


class PostgresDb(Database):
    vendor = "postgresql"

    def __init__(self, server_url: str, name: str, folder: Path):
        self.server_url, self.name, self.folder = server_url, name, folder
        self.url = _with_db(server_url, name)

    def connect(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def copy_to(self, folder: Path, name: str | None = None) -> PostgresDb:
        import psycopg

        folder.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = name or f"{self.name}_{worker}_{next(_copies)}"
        with _admin(self.server_url) as con:
            _drop(con, name)
            for attempt in range(100):  # the template is busy while another run reads it
                try:
                    con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 99:
                        raise
                    time.sleep(0.2)
        for f in ("info.json", "bienlai.csv"):
            shutil.copy(self.folder / f, folder / f)
        return PostgresDb(self.server_url, name, folder)

    def in_write(self, kind: str) -> bool:
        with self.connect() as con:
            row = con.execute(
                "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE a.application_name = %s AND a.datname = %s AND l.granted "
                "AND l.mode = 'RowExclusiveLock' AND l.relation = %s::regclass",
                [APP_NAME, self.name, LOCKED_TABLE[kind]],
            ).fetchone()
        return row is not None

    def drop(self) -> None:
        with _admin(self.server_url) as con:
            _drop(con, self.name)

    def gone(self) -> None:
        """Wait until the killed client's backends have ended (rolled back)."""
        with self.connect() as con:
            while con.execute(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND datname = %s",
                [APP_NAME, self.name],
            ).fetchone():
                time.sleep(0.01)


_copies = itertools.count(1)


def _with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def _admin(server_url: str):
    import psycopg

    return psycopg.connect(_with_db(server_url, "postgres"), autocommit=True)


def _drop(con, name: str) -> None:
    con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_database(vendor: str, participants: int, server_url: str | None = None) -> Database:
    """The base database (built once per hash of the migrations, driver and factories; one
    process at a time builds it, e.g. two pytest-xdist workers)."""
    lock = Path(tempfile.gettempdir()) / "ansinh-faults.lock"
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            return _base_database(vendor, participants, server_url)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _base_database(vendor: str, participants: int, server_url: str | None) -> Database:
    digest = base_hash(participants)
    if vendor == "sqlite":
        folder = Path(tempfile.gettempdir()) / f"ansinh-faults-{digest}"
        db = SqliteDb(folder)
        if not (folder / "info.json").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            db.run("-m", "tests.faults.driver", "setup", str(folder), str(participants))
        return db
    name = urlparse(server_url).path.lstrip("/") + "_kill"
    folder = Path(tempfile.gettempdir()) / f"ansinh-faults-pg-{name}-{digest}"
    db = PostgresDb(server_url, name, folder)
    with _admin(server_url) as con:
        row = con.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        fresh = row is not None and row[0] == digest and (folder / "info.json").exists()
        if not fresh:
            _drop(con, name)
            con.execute(f'CREATE DATABASE "{name}"')
    if not fresh:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        db.run("-m", "tests.faults.driver", "setup", str(folder), str(participants))
        with _admin(server_url) as con:
            con.execute(f"COMMENT ON DATABASE \"{name}\" IS '{digest}'")
    return db


# -- what the database holds -----------------------------------------------------------------

SNAPSHOT_QUERIES = {
    "receipts": "SELECT COUNT(*), COALESCE(SUM(amount), 0), COALESCE(SUM(gross), 0), "
    "COALESCE(SUM(support), 0), COUNT(DISTINCT number) FROM enrolment_receipt",
    "months": "SELECT COUNT(*), COALESCE(SUM(gross), 0), COALESCE(SUM(support), 0) "
    "FROM enrolment_contributionmonth",
    "enrolments": "SELECT id, paid_through, status, status_since FROM enrolment_vsienrolment "
    "ORDER BY id",
    "cycle_runs": "SELECT office_id, month, due_count, unpaid_count, suspended_count "
    "FROM collection_cyclerun ORDER BY office_id, month",
    "cycle_entries": "SELECT kind, COUNT(*), COALESCE(SUM(amount), 0) FROM collection_cycleentry "
    "GROUP BY kind ORDER BY kind",
    "cycle_lists": "SELECT COUNT(*), COALESCE(SUM(count), 0), COALESCE(SUM(amount), 0) "
    "FROM collection_cyclelist",
    "persons_by_collector": "SELECT COALESCE(collector_id, 0), COUNT(*) FROM registry_person "
    "GROUP BY collector_id ORDER BY 1",
    "collectors": "SELECT id, active FROM collection_collector ORDER BY id",
    # Every change to a person, an enrolment or a receipt (a file's own entry says it was
    # uploaded, which a re-run truthfully repeats).
    "audit": "SELECT model, action, COUNT(*) FROM accounts_auditentry "
    "WHERE model <> 'collection.receiptimport' GROUP BY model, action ORDER BY model, action",
}


def snapshot(db: Database) -> dict:
    """Counts and sums of everything the three writes touch (dates as text, hashed lists)."""
    out = {}
    con = db.connect()
    try:
        for key, sql in SNAPSHOT_QUERIES.items():
            rows = [tuple(_plain(v) for v in r) for r in con.execute(sql).fetchall()]
            if key == "enrolments":
                digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
                rows = {"count": len(rows), "sha": digest}
            out[key] = rows
    finally:
        con.close()
    return out


def _plain(v):
    if isinstance(v, bool):
        return int(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def diff(a: dict, b: dict) -> dict:
    return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


# -- a trial ---------------------------------------------------------------------------------


def command(kind: str, folder: Path, info: dict) -> list[str]:
    if kind == "cycle":
        return ["manage.py", "cycle", "run", "--month", "2026-10", "--office", info["office"]]
    return ["-m", "tests.faults.driver", kind, str(folder)]


@dataclass
class Outcome:
    kind: str
    delay: float
    killed: bool  # False: the process had ended before the signal
    result: str  # "none": rolled back; "all": committed; otherwise a failure
    rerun_ok: bool
    mismatch: dict = field(default_factory=dict)
    #: imports: the status `ansinh jobs recover` left the killed import in ("failed" when it
    #: was killed, "done" when it had committed) and how many imports it recovered
    recovered: tuple[str, int] | None = None
    #: imports: the re-run's status and counts (accepted, duplicate, rejected)
    rerun: tuple | None = None


def wait_in_write(db: Database, kind: str, proc: subprocess.Popen) -> bool:
    while proc.poll() is None:
        if db.in_write(kind):
            return True
        time.sleep(0.002)
    return False


def write_window(db: Database, kind: str) -> float:
    """How long the kind's write transaction stays open in an uninterrupted run (seconds)."""
    info = json.loads((db.folder / "info.json").read_text())
    proc = db.popen(*command(kind, db.folder, info))
    seen = wait_in_write(db, kind, proc)
    start = time.monotonic()
    while seen and proc.poll() is None and db.in_write(kind):
        time.sleep(0.002)
    window = time.monotonic() - start
    out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{kind} failed:\n{out}\n{err}")
    return max(window, 0.01)


class Trials:
    """Kill trials of each kind from one base database."""

    def __init__(self, base: Database, workdir: Path, seed: int):
        self.base, self.workdir = base, workdir
        self.rng = random.Random(seed)
        self.before = snapshot(base)
        self.after: dict[str, dict] = {}
        self.window: dict[str, float] = {}

    def prepare(self, kind: str) -> None:
        """One uninterrupted run on a copy: the state to expect, and the write's duration."""
        db = self.base.copy_to(self.workdir / f"clean-{kind}")
        try:
            self.window[kind] = write_window(db, kind)
            self.after[kind] = snapshot(db)
        finally:
            db.drop()
        assert self.after[kind] != self.before, f"{kind} changed nothing"

    def trial(self, kind: str) -> Outcome:
        if kind not in self.after:
            self.prepare(kind)
        delay = self.rng.uniform(0, 1.25 * self.window[kind])
        db = self.base.copy_to(self.workdir / "trial")
        try:
            return self._trial(db, kind, delay)
        finally:
            db.drop()

    def _trial(self, db: Database, kind: str, delay: float) -> Outcome:
        info = json.loads((db.folder / "info.json").read_text())
        proc = db.popen(*command(kind, db.folder, info))
        wait_in_write(db, kind, proc)
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        db.gone()
        state = snapshot(db)
        if state == self.before:
            result = "none"
        elif state == self.after[kind]:
            result = "all"
        else:
            closest = min((self.before, self.after[kind]), key=lambda s: len(diff(state, s)))
            return Outcome(kind, delay, killed, "partial", False, diff(state, closest))
        recovered = recover(db) if kind == "import" else None
        if recovered is not None and recovered[0] in RUNNING_IMPORT:
            return Outcome(kind, delay, killed, "still running", False, {}, recovered)
        # The same command again completes the work exactly once.
        db.run(*command(kind, db.folder, info))
        again = snapshot(db)
        ok = again == self.after[kind]
        rerun = last_import(db) if kind == "import" else None
        if rerun is not None:
            status, accepted, duplicate, rejected = rerun
            # a clean import: every row recorded (or, after a committed run, already recorded)
            rows = info["file_rows"]
            clean = (accepted, duplicate) == ((rows, 0) if result == "none" else (0, rows))
            ok = ok and status == "done" and rejected == 0 and clean
        return Outcome(
            kind,
            delay,
            killed,
            result,
            ok,
            {} if again == self.after[kind] else diff(again, self.after[kind]),
            recovered,
            rerun,
        )


#: The statuses of an import still running (collection.choices.RUNNING).
RUNNING_IMPORT = ("pending", "validating", "writing")


def last_import(db: Database) -> tuple:
    """The latest import's status and counts (accepted, duplicate, rejected)."""
    con = db.connect()
    try:
        return tuple(
            con.execute(
                "SELECT status, accepted, duplicates, rejected FROM collection_receiptimport "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        )
    finally:
        con.close()


def recover(db: Database) -> tuple[str, int]:
    """`ansinh jobs recover` after the kill (what an operator runs at start-up): the killed
    import's status then, and how many imports it recovered."""
    done = ansinh(db, "jobs", "recover")
    recovered = int(done.stdout.strip().splitlines()[-1].split()[0])
    return last_import(db)[0], recovered


# -- every table -------------------------------------------------------------------------------


def tables(con, vendor: str) -> list[str]:
    if vendor == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [r[0] for r in con.execute(sql).fetchall()]


def table_digests(db: Database) -> dict[str, tuple[int, str]]:
    """Every table: its row count and a checksum of its rows (in any order)."""
    out = {}
    con = db.connect()
    try:
        for name in tables(con, db.vendor):
            rows = sorted(
                repr(tuple(_plain(v) for v in r)) for r in con.execute(f'SELECT * FROM "{name}"')
            )
            out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
    finally:
        con.close()
    return out


def ansinh(db: Database, *args, check=True) -> subprocess.CompletedProcess:
    """The `ansinh` command of this virtualenv, against `db`."""
    return db.run(
        "-c",
        "import sys; from ansinh.cli import main; sys.exit(main(sys.argv))",
        *args,
        check=check,
    )
