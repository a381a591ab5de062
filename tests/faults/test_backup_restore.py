"""Backup and restore (issue 13 item 6): `ansinh backup` and `ansinh restore` round trips on
a real file or server database (the one the suite runs on, as in test_killed_mid_write),
compared table by table: row counts and a checksum of every table's rows."""

import json
import os

import pytest

from .harness import (
    ansinh,
    base_database,
    command,
    snapshot,
    table_digests,
    wait_in_write,
)

PARTICIPANTS = int(os.environ.get("ANSINH_KILL_PARTICIPANTS", "2000"))


@pytest.fixture(scope="module")
def base():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return base_database("postgresql", PARTICIPANTS, url)
    return base_database("sqlite", PARTICIPANTS)


@pytest.fixture
def copy(base, tmp_path):
    """A copy of the base database for one test (a PostgreSQL copy is dropped after it)."""
    db = base.copy_to(tmp_path / "db")
    yield db
    db.drop()


def test_backup_then_changes_then_restore_gives_back_every_table(copy, tmp_path):
    db = copy
    before = table_digests(db)
    out = tmp_path / "saved" / "ansinh.backup"
    done = ansinh(db, "backup", "--output", str(out))
    assert str(out) in done.stdout and out.stat().st_size > 0
    # A day's work after the backup: a receipt file and a hand-over.
    info = json.loads((db.folder / "info.json").read_text())
    for kind in ("import", "reassign"):
        db.run(*command(kind, db.folder, info))
    changed = table_digests(db)
    assert changed != before
    assert changed["enrolment_receipt"][0] == before["enrolment_receipt"][0] + info["file_rows"]
    done = ansinh(db, "restore", str(out), "--noinput")
    assert "before-restore" in done.stdout
    assert table_digests(db) == before
    # The database replaced was saved first: restoring it gives the day's work back.
    saved = done.stdout.split("the database before the restore: ")[1].split()[0]
    ansinh(db, "restore", saved, "--noinput", "--no-keep")
    assert table_digests(db) == changed


def test_a_backup_taken_during_a_write_holds_all_of_it_or_none(copy, tmp_path):
    db = copy
    info = json.loads((db.folder / "info.json").read_text())
    ledger_before = snapshot(db)
    proc = db.popen(*command("import", db.folder, info))
    assert wait_in_write(db, "import", proc)
    out = tmp_path / "during.backup"
    ansinh(db, "backup", "--output", str(out))
    assert proc.wait() == 0
    ledger_after = snapshot(db)
    assert ledger_after != ledger_before
    ansinh(db, "restore", str(out), "--noinput", "--no-keep")
    assert snapshot(db) in (ledger_before, ledger_after)


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(copy, tmp_path):
    db = copy
    before = table_digests(db)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup\n")
    done = ansinh(db, "restore", str(junk), "--noinput", check=False)
    assert done.returncode != 0
    assert "notes.txt" in done.stderr
    assert ansinh(
        db, "restore", str(tmp_path / "missing.dump"), "--noinput", check=False
    ).returncode
    assert table_digests(db) == before


def test_a_missing_pg_dump_is_named_with_what_to_install(monkeypatch):
    from ansinh.common import backup

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backup.BackupError) as exc:
        backup._pg("pg_dump", ["--version"], "default")
    assert "pg_dump" in str(exc.value) and "postgresql-client" in str(exc.value)
