"""Shared set-up for the benchmarks: the scale, its PostgreSQL database and Django.

``SCALE=province`` (the default): ``ansinh_bench``, one province of 200,000 VSI participants.
``SCALE=national``: ``ansinh_bench_national``, every province, 2,000,000 VSI participants and
10,000,000 HI members (``make bench SCALE=national``). ``BENCH_DATABASE_URL`` overrides the
database of either.
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Scale:
    name: str
    vsi: int  # VSI participants (5 years of history each at most)
    hi: int  # household HI members
    offices_per_province: int
    provinces: tuple[str, ...] | None  # None: every province
    history_months: int  # the window of contribution history generated
    import_rows: int  # the receipt file of the import benchmark
    database: str


SCALES = {
    "province": Scale("province", 200_000, 1_000_000, 10, ("82",), 60, 100_000, "ansinh_bench"),
    "national": Scale(
        "national", 2_000_000, 10_000_000, 3, None, 64, 500_000, "ansinh_bench_national"
    ),
}
SCALE = SCALES[os.environ.get("SCALE") or "province"]
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{SCALE.database}"
)


def setup_django():
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _connect(dbname: str | None = None):
    """A plain autocommit connection to the benchmark's server (its database by default)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(BENCH_URL)
    return psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname=dbname or cfg["NAME"],
        autocommit=True,
    )


def settle() -> None:
    """Start a measurement on a quiet server: flush what the previous part left dirty (a
    CHECKPOINT; needs a superuser or pg_checkpoint, skipped without), so its writes are not
    paid during the next part's timing."""
    import psycopg

    try:
        with _connect() as conn:
            conn.execute("CHECKPOINT")
    except psycopg.Error:
        pass


def ensure_database() -> None:
    """Create the ansinh_bench database when it does not exist."""
    import dj_database_url

    name = dj_database_url.parse(BENCH_URL)["NAME"]
    with _connect("postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
