"""`make bench`: the collection benchmarks at a scale (bench/common.py), each figure beside
its target and beside the bare database work that is its physical limit, in the same run.

* the monthly cycle (both lists, stored, split per organisation and collector) for every
  office: <= 10 s at province scale (<= 60 s national) and <= 2 x the bare SQL that selects
  the same rows;
* a CSV receipt import with full validation: <= 2 x the bare COPY of the receipts and
  contribution months it writes (same tables, same indexes and constraints, one committed
  transaction), and >= 20,000 rows/s where the bare COPY allows it;
* peak memory (RSS) of the cycle and of the import: < 500 MB each (< 1 GB national);
* the pages (bench/web.py): p95 under load beside a single request's time.

Each part runs in its own process (for a clean peak RSS). The cycle is committed, as the
scheduled job's is (its lists are streamed from a second connection), then undone from its
audit entries; the import is committed, as an upload's is (its writer works in a
connection of its own), and then undone from a snapshot of what it changes. So the benchmark
can be run again and again on the same data. The data is generated
(bench/generate.py) when the database is missing or empty.

`make bench` (province) or `make bench SCALE=national`; `BENCH_RUNS=3` repeats each part and
prints every run and the spread.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, SCALE, peak_rss_mb, settle, setup_django

IMPORT_ROWS = SCALE.import_rows
MEMORY_MB = 500 if SCALE.name == "province" else 1024
CYCLE_S = 10 if SCALE.name == "province" else 60


def part_bare() -> dict:
    """The bare SQL: the same SELECTs (one per list kind and group of offices priced alike),
    every row fetched."""
    setup_django()
    from django.db import connection

    from ansinh.accounts.scope import office_communes
    from ansinh.collection.choices import ListKind
    from ansinh.collection.cycle import issue_date, list_rows, priced_alike
    from ansinh.parameters.table import current_table
    from ansinh.places.models import Office
    from ansinh.rules.months import Month

    month = Month.of(__import__("datetime").date.today())
    offices = list(Office.objects.filter(code__startswith="BENCH").order_by("pk"))
    groups = []
    for province, group in priced_alike(offices, current_table()):
        commune_run: dict[str, int] = {}
        for office in group:
            for commune in office_communes(office, issue_date(month)):
                commune_run.setdefault(commune, office.pk)
        groups.append((province, commune_run))
    t = time.perf_counter()
    rows = 0
    with connection.cursor() as c:
        c.execute("SET jit = off")  # as the cycle's reader does: compiling costs more than it saves
        for province, commune_run in groups:
            for kind in (ListKind.DUE, ListKind.UNPAID):
                qs = list_rows(commune_run, province, month, kind)
                sql, params = qs.query.sql_with_params()
                c.execute(sql, params)
                rows += len(c.fetchall())
    return {"bare_s": time.perf_counter() - t, "bare_rows": rows}


#: Undo a committed benchmark cycle (bench DB only): the enrolments it suspended back as its
#: audit entries say they were, then its audit entries, lists, entries, quotes and runs.
UNDO_CYCLE = [
    "UPDATE enrolment_vsienrolment e SET status = a.before->>'status', "
    "status_since = (a.before->>'status_since')::date FROM accounts_auditentry a "
    "WHERE a.at >= %(since)s AND a.model = 'enrolment.vsienrolment' AND e.id = a.object_id::bigint",
    "DELETE FROM accounts_auditentry WHERE at >= %(since)s AND model = 'enrolment.vsienrolment'",
    "DELETE FROM collection_cycleentry WHERE run_id = ANY(%(runs)s)",
    "DELETE FROM collection_cyclelist WHERE run_id = ANY(%(runs)s)",
    "DELETE FROM collection_cyclequote WHERE run_id = ANY(%(runs)s)",
    "DELETE FROM collection_cyclerun WHERE id = ANY(%(runs)s)",
]


def undo_cycle(month) -> None:
    from django.db import connection, transaction
    from django.db.models import Min

    from ansinh.collection.models import CycleRun

    runs = CycleRun.objects.filter(month=month.first_day())
    since = runs.aggregate(at=Min("issued_at"))["at"]
    if since is None:
        return
    with transaction.atomic(), connection.cursor() as cur:
        for sql in UNDO_CYCLE:
            cur.execute(sql, {"since": since, "runs": list(runs.values_list("id", flat=True))})
    with connection.cursor() as cur:  # autovacuum may be off (as on CI's server)
        for table in ("collection_cycleentry", "enrolment_vsienrolment", "accounts_auditentry"):
            cur.execute(f"VACUUM {table}")


def part_cycle() -> dict:
    """The scheduled job's cycle, committed as the job's is (so it streams its lists between
    two connections, decision 0016), then undone."""
    setup_django()
    from ansinh.collection.cycle import issue_all
    from ansinh.rules.months import Month

    month = Month.of(__import__("datetime").date.today())
    undo_cycle(month)  # a run left over by an interrupted benchmark
    t = time.perf_counter()
    try:
        results = issue_all(month)
        elapsed = time.perf_counter() - t
        rss = peak_rss_mb()
        assert all(r.created for r in results), "the month's lists were already issued"
        due = sum(r.run.due_count for r in results)
        unpaid = sum(r.run.unpaid_count for r in results)
    finally:
        undo_cycle(month)
    return {"cycle_s": elapsed, "rows": due + unpaid, "due": due, "unpaid": unpaid, "rss_mb": rss}


def make_csv(path: Path) -> int:
    """IMPORT_ROWS valid receipts for monthly payers paid through last month or this month."""
    setup_django()
    from datetime import date

    from ansinh.enrolment.models import VsiEnrolment
    from ansinh.parameters.table import current_table
    from ansinh.rules.vsi import vsi_quote

    table = current_table()
    today = date.today()
    rows = (
        VsiEnrolment.objects.filter(method="1", status="active")
        .order_by("pk")
        .values_list("person__si_code", "income", "person_id")[:IMPORT_ROWS]
    )
    groups = {}
    from ansinh.registry.models import SupportMembership

    for pid, g in SupportMembership.objects.values_list("person_id", "group"):
        groups[pid] = g
    quotes = {}
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien,ma_nhan_vien_thu\n")
        for si, income, pid in rows.iterator(chunk_size=10_000):
            g = groups.get(pid, "other")
            key = (income, g)
            if key not in quotes:
                quotes[key] = vsi_quote(table, income, (g,), today, months=1, province="82")
            n += 1
            f.write(f"BENCHIMP-{n},{si},{today:%d/%m/%Y},1,{quotes[key].net_total},\n")
    return n


#: What a committed benchmark import changes, saved first and put back after (bench DB only).
SNAPSHOT = [
    "CREATE TEMP TABLE bench_enrolments AS SELECT e.id, e.paid_through, e.status, "
    "e.status_since, e.updated_at FROM enrolment_vsienrolment e JOIN registry_person p "
    "ON p.id = e.person_id WHERE p.si_code IN (SELECT code FROM bench_codes)",
    "CREATE TEMP TABLE bench_visits AS SELECT v.id, v.status, v.resolved_on, "
    "v.resolved_receipt_id FROM collection_followupvisit v "
    "WHERE v.enrolment_id IN (SELECT id FROM bench_enrolments)",
]
#: The benchmark import's receipts and their months, removed (after the import and after the
#: bare COPY of the same rows).
DELETE_IMPORTED = [
    "DELETE FROM enrolment_contributionmonth WHERE receipt_id IN "
    "(SELECT id FROM enrolment_receipt WHERE number LIKE 'BENCHIMP-%')",
    "DELETE FROM enrolment_receipt WHERE number LIKE 'BENCHIMP-%'",
]
RESTORE = [
    "UPDATE collection_followupvisit v SET status = b.status, resolved_on = b.resolved_on, "
    "resolved_receipt_id = b.resolved_receipt_id FROM bench_visits b WHERE v.id = b.id",
    *DELETE_IMPORTED,
    "UPDATE enrolment_vsienrolment e SET paid_through = b.paid_through, status = b.status, "
    "status_since = b.status_since, updated_at = b.updated_at FROM bench_enrolments b "
    "WHERE e.id = b.id",
]


#: The ledger rows a benchmark import writes, in the tables' own column order.
WRITTEN = {
    "enrolment_receipt": "SELECT * FROM enrolment_receipt WHERE number LIKE 'BENCHIMP-%' "
    "ORDER BY id",
    "enrolment_contributionmonth": "SELECT * FROM enrolment_contributionmonth WHERE receipt_id "
    "IN (SELECT id FROM enrolment_receipt WHERE number LIKE 'BENCHIMP-%') ORDER BY id",
}


def copy_out(selects: dict[str, str]) -> dict[str, bytes]:
    """Each table's rows as COPY's own text, held in memory."""
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for table, select in selects.items():
            with cur.cursor.copy(f"COPY ({select}) TO STDOUT") as copy:
                out[table] = b"".join(bytes(chunk) for chunk in copy)
    return out


def vacuum_ledger() -> None:
    """The removed rows stay as dead tuples and index entries (autovacuum may be off, as on
    CI's server): reclaim them, or each run writes into more bloated indexes than the last."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in (
            "enrolment_receipt",
            "enrolment_contributionmonth",
            "enrolment_vsienrolment",
            "collection_importrow",
        ):
            cur.execute(f"VACUUM {table}")


def bare_copy(data: dict[str, bytes]) -> dict:
    """The import's physical limit: the same receipts and months COPYed into the same tables
    (same indexes and constraints) in one committed transaction, no validation, no Python
    beyond handing psycopg the bytes. Then removed again."""
    from django.db import connection, transaction

    settle()
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for table, rows in data.items():
            with cur.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(rows)
    elapsed = time.perf_counter() - t
    with transaction.atomic(), connection.cursor() as cur:
        for sql in DELETE_IMPORTED:
            cur.execute(sql)
    vacuum_ledger()
    return {
        "bare_copy_s": elapsed,
        "bare_receipts": data["enrolment_receipt"].count(b"\n"),
        "bare_months": data["enrolment_contributionmonth"].count(b"\n"),
    }


def part_import() -> dict:
    """A real import, committed as an upload's is, then undone from a snapshot."""
    setup_django()
    import csv

    from django.db import connection, transaction

    from ansinh.accounts.models import AuditEntry, User
    from ansinh.collection import imports
    from ansinh.collection.models import ReceiptImport

    path = Path("/tmp/ansinh_bench_receipts.csv")
    t = time.perf_counter()
    rows = make_csv(path)
    made = time.perf_counter() - t
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    with open(path, encoding="utf-8") as f, connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_codes (code text PRIMARY KEY)")
        with cur.cursor.copy("COPY bench_codes (code) FROM STDIN") as copy:
            for row in csv.DictReader(f):
                copy.write_row((row["ma_so_bhxh"],))
        for sql in SNAPSHOT:
            cur.execute(sql)
    before = peak_rss_mb()
    batch = ReceiptImport.objects.create(uploaded_by=user, file_name=path.name, sha256="b")
    written = {}
    try:
        t = time.perf_counter()
        with open(path, "rb") as f:
            batch = imports.import_receipts(batch, user, f)  # committed when it returns
        elapsed = time.perf_counter() - t
        rss = peak_rss_mb()
        written = copy_out(WRITTEN)  # the rows the import wrote, for the bare COPY below
    finally:
        with transaction.atomic(), connection.cursor() as cur:
            for sql in RESTORE:
                cur.execute(sql)
            AuditEntry.objects.filter(
                model="collection.receiptimport", object_id=str(batch.pk)
            ).delete()
            ReceiptImport.objects.filter(pk=batch.pk).delete()
        vacuum_ledger()
    bare = bare_copy(written) if written else {}
    return bare | {
        "import_s": elapsed,
        "rows": rows,
        "accepted": batch.accepted,
        "rejected": batch.rejected,
        "status": batch.status,
        "message": batch.message,
        "csv_s": made,
        "rss_before_mb": before,
        "rss_mb": rss,
    }


def child(part: str) -> dict:
    settle()
    out = subprocess.run(
        [sys.executable, __file__, "--part", part], capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode:
        print(out.stdout, out.stderr)
        raise SystemExit(f"benchmark part {part} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def line(name, value, target="", ok=None):
    verdict = "" if ok is None else ("OK" if ok else "MISSED")
    print(f"  {name:<46} {value:>22}   {target:<22} {verdict}")


def spread(values, fmt="{:.2f}") -> str:
    """The median, and the range over the runs when there were several."""
    values = sorted(values)
    mid = values[len(values) // 2]
    if len(values) == 1:
        return fmt.format(mid)
    return f"{fmt.format(mid)} ({fmt.format(values[0])}-{fmt.format(values[-1])})"


def runs() -> int:
    import os

    return max(1, int(os.environ.get("BENCH_RUNS") or 1))


def memory_line(name: str, results: list[dict]) -> None:
    rss = [r["rss_mb"] for r in results]
    line(name, spread(rss, "{:.0f}"), f"< {MEMORY_MB} MB", max(rss) < MEMORY_MB)


def report_cycle(results: list[dict]) -> None:
    cycle = [r["cycle_s"] for r in results]
    bare = [r["bare_s"] for r in results]
    ratio = [r["cycle_s"] / r["bare_s"] for r in results if r["bare_s"]]
    c = results[0]
    line("monthly cycle, all offices (s)", spread(cycle), f"<= {CYCLE_S} s", max(cycle) <= CYCLE_S)
    line("  bare SQL selecting the same rows (s)", spread(bare))
    line("  cycle / bare SQL", spread(ratio, "{:.2f}x"), "<= 2x", max(ratio) <= 2)
    line("  rows stored (due + unpaid)", f"{c['due']:,} + {c['unpaid']:,}")
    memory_line("peak memory of the cycle (MB)", results)


def report_import(results: list[dict]) -> None:
    i = results[0]
    rate = [r["rows"] / r["import_s"] for r in results]
    bare_rate = [r["rows"] / r["bare_copy_s"] for r in results]
    ratio = [r["import_s"] / r["bare_copy_s"] for r in results]
    line(f"CSV import, {i['rows']:,} rows, committed (s)", spread([r["import_s"] for r in results]))
    line("  rows/s", spread(rate, "{:,.0f}"), ">= 20,000 rows/s", min(rate) >= 20_000)
    line(
        f"  bare COPY of its {i['bare_receipts']:,} receipts + {i['bare_months']:,} months (s)",
        spread([r["bare_copy_s"] for r in results]),
    )
    line("  bare COPY rows/s (file rows)", spread(bare_rate, "{:,.0f}"))
    line("  import / bare COPY", spread(ratio, "{:.2f}x"), "<= 2x", max(ratio) <= 2)
    line("  accepted / rejected", f"{i['accepted']:,} / {i['rejected']:,}")
    memory_line("peak memory of the import (MB)", results)
    for r in results:
        if r["status"] != "done":
            print("  import message:", r["message"])


def main():
    if "--part" in sys.argv:
        part = sys.argv[sys.argv.index("--part") + 1]
        from risk import part_risk

        parts = {"cycle": part_cycle, "bare": part_bare, "import": part_import, "risk": part_risk}
        print(json.dumps(parts[part]()))
        return
    import generate

    generate.main()
    n = runs()
    print(f"\nCollection benchmarks ({SCALE.name} scale, {n} run(s): median (min-max))")
    report_cycle([child("cycle") | child("bare") for _ in range(n)])
    report_import([child("import") for _ in range(n)])
    import web

    settle()
    web.main(n)  # search, a participant's page, the dashboard, the phone list: p95 under load
    if SCALE.name == "province":
        report_risk(child("risk"))


def report_risk(r: dict) -> None:
    """Lapse risk (decision 0022): nine past months of lists issued to learn from, a model per
    office trained and the latest lists scored."""
    print("\nLapse risk (province scale)")
    line("past lists issued to learn from (s)", f"{r['history_lists_s']:.1f}")
    line(f"training, {r['models']} models, {r['train_rows']:,} rows (s)", f"{r['train_s']:.1f}")
    line(f"scoring the latest lists, {r['scored_rows']:,} rows (s)", f"{r['score_s']:.1f}")
    line("  rows/s", f"{r['score_rows_per_s']:,.0f}")
    for name, label in (("auc", "AUC"), ("brier", "Brier score")):
        values = [q[name] for q in r["quality"] if q[name] is not None]
        if values:
            line(f"held-out {label}, per office", f"{min(values):.4f}-{max(values):.4f}")
    memory_line("peak memory (MB)", [r])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
