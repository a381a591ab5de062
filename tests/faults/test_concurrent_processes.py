"""Concurrency between processes (issue 13 item 2) on the database the suite runs on, as a
real file or server database (tests/faults/harness.py): two `cycle run` jobs of one month
started together, and two overlapping receipt files uploaded at once. On SQLite the IMMEDIATE
transactions serialise the writers (the second waits for the first's lock); on PostgreSQL
they run at once (the deterministic, lock-by-lock versions are in test_concurrent_writes).
Whatever the interleaving: nothing doubled, nothing lost, and the one that lost says so."""

import json
import os

import pytest

from .harness import Trials, base_database, command, snapshot

PARTICIPANTS = int(os.environ.get("ANSINH_KILL_PARTICIPANTS", "2000"))


@pytest.fixture(scope="module")
def trials(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base = base_database("postgresql", PARTICIPANTS, url)
    else:
        base = base_database("sqlite", PARTICIPANTS)
    return Trials(base, tmp_path_factory.mktemp("together"), seed=0)


@pytest.fixture
def db(trials, tmp_path):
    copy = trials.base.copy_to(tmp_path / "db")
    yield copy
    copy.drop()


def together(db, *commands):
    procs = [db.popen(*c) for c in commands]
    outs = [p.communicate() for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    return [out for out, _err in outs]


def test_two_cycle_jobs_of_one_month_started_together_issue_it_once(trials, db):
    trials.prepare("cycle")
    info = json.loads((db.folder / "info.json").read_text())
    outs = together(db, command("cycle", db.folder, info), command("cycle", db.folder, info))
    assert sorted("already issued" in o for o in outs) == [False, True], outs
    assert snapshot(db) == trials.after["cycle"]


def test_two_overlapping_files_uploaded_at_once_record_each_receipt_once(trials, db):
    trials.prepare("import")
    lines = (db.folder / "bienlai.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    third = len(rows) // 3
    for name, part in (("a.csv", rows[: 2 * third]), ("b.csv", rows[third:])):
        (db.folder / name).write_text("\n".join([header, *part]) + "\n", encoding="utf-8")
    run = ["-m", "tests.faults.driver", "import", str(db.folder)]
    outs = together(db, [*run, "a.csv"], [*run, "b.csv"])
    assert any(o.startswith("done") for o in outs), outs
    for name, out in zip(("a.csv", "b.csv"), outs, strict=True):
        if not out.startswith("done"):
            # It checked rows the other file wrote meanwhile: nothing written, and it says so.
            assert out.startswith("failed") and "sau khi tệp được kiểm tra" in out, out
            again = db.run(*run, name).stdout
            assert again.startswith("done"), again
    assert snapshot(db) == trials.after["import"]
