"""Killed mid-write (issue 13 item 1): a receipt import, a monthly cycle and a bulk hand-over,
each run in a process of its own against a real file or server database and killed with
SIGKILL at a seeded random moment inside its write transaction. Each time the database holds
all of it or none of it, and running the same command again completes it exactly once.

After each kill of an import the operator's recovery runs, `ansinh jobs recover` (decision
0018, common/lease.py): the killed import shows as failed (one import recovered), or as done
when it had committed before the signal (none recovered); then the same file uploaded again
imports cleanly: done, every row recorded (or all already recorded), none rejected, and the
database as one uninterrupted run leaves it, nothing lost or doubled.

Three trials per kind here; `make stress` runs ANSINH_KILL_TRIALS=20 per kind on SQLite and on
PostgreSQL. The database is the one the suite runs on: a SQLite file in the temporary folder,
or `<DATABASE_URL's name>_kill` on the same PostgreSQL server (ansinh_h13a_kill for
ansinh_h13a).
"""

import os

import pytest

from .harness import KINDS, Trials, base_database

TRIALS = int(os.environ.get("ANSINH_KILL_TRIALS", "3"))
SEED = int(os.environ.get("ANSINH_KILL_SEED", "13"))
PARTICIPANTS = int(os.environ.get("ANSINH_KILL_PARTICIPANTS", "2000"))


@pytest.fixture(scope="module")
def trials(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base = base_database("postgresql", PARTICIPANTS, url)
    else:
        base = base_database("sqlite", PARTICIPANTS)
    return Trials(base, tmp_path_factory.mktemp("kill"), SEED)


@pytest.mark.parametrize("kind", KINDS)
def test_killed_mid_write_leaves_all_or_nothing_and_a_rerun_completes_it_once(trials, kind):
    outcomes = [trials.trial(kind) for _ in range(TRIALS)]
    report = ", ".join(
        f"{o.delay * 1000:.0f} ms: {o.result}{'' if o.killed else ' (ended first)'}"
        for o in outcomes
    )
    print(f"\n{trials.base.vendor} {kind}: window {trials.window[kind] * 1000:.0f} ms; {report}")
    bad = [o for o in outcomes if o.result not in ("none", "all") or not o.rerun_ok]
    assert not bad, [(o.result, o.mismatch, o.recovered, o.rerun) for o in bad]
    if kind == "import":
        expected = {"none": ("failed", 1), "all": ("done", 0)}
        recovered = [(o.result, o.recovered) for o in outcomes]
        reruns = [o.rerun for o in outcomes]
        print(f"{trials.base.vendor} import: recovered {recovered}; re-runs {reruns}")
        assert all(r == expected[result] for result, r in recovered), recovered
    # The kills land inside the write: most of them leave nothing written.
    assert any(o.killed and o.result == "none" for o in outcomes), report
