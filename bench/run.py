"""`make bench`: the collection benchmarks at province scale, each figure beside its target.

* the monthly cycle (both lists, stored, split per organisation and collector) for every
  office: <= 10 s and <= 2 x the bare SQL that selects the same rows;
* a CSV receipt import with full validation: >= 20,000 rows/s;
* peak memory (RSS) of the cycle and of the import: < 500 MB each.

Each part runs in its own process (for a clean peak RSS). The cycle is committed, as the
scheduled job's is (its lists are streamed from a second connection), then undone from its
audit entries; the import is committed, as an upload's is (its writer works in a
connection of its own), and then undone from a snapshot of what it changes. So the benchmark
can be run again and again on the same data. The data is generated
(bench/generate.py) when the database is missing or empty.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, peak_rss_mb, settle, setup_django

IMPORT_ROWS = 100_000


def part_bare() -> dict:
    """The bare SQL: the same SELECTs (one per list kind for the province), every row fetched."""
    setup_django()
    from django.db import connection

    from ansinh.accounts.scope import office_communes
    from ansinh.collection.choices import ListKind
    from ansinh.collection.cycle import issue_date, province_rows
    from ansinh.places.models import Office
    from ansinh.rules.months import Month

    month = Month.of(__import__("datetime").date.today())
    commune_run = {}
    for i, office in enumerate(Office.objects.filter(code__startswith="BENCH")):
        for commune in office_communes(office, issue_date(month)):
            commune_run.setdefault(commune, i + 1)
    t = time.perf_counter()
    rows = 0
    with connection.cursor() as c:
        c.execute("SET jit = off")  # as the cycle's reader does: compiling costs more than it saves
        for kind in (ListKind.DUE, ListKind.UNPAID):
            sql, params = province_rows(commune_run, "82", month, kind).query.sql_with_params()
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
RESTORE = [
    "UPDATE collection_followupvisit v SET status = b.status, resolved_on = b.resolved_on, "
    "resolved_receipt_id = b.resolved_receipt_id FROM bench_visits b WHERE v.id = b.id",
    "DELETE FROM enrolment_contributionmonth WHERE receipt_id IN "
    "(SELECT id FROM enrolment_receipt WHERE number LIKE 'BENCHIMP-%')",
    "DELETE FROM enrolment_receipt WHERE number LIKE 'BENCHIMP-%'",
    "UPDATE enrolment_vsienrolment e SET paid_through = b.paid_through, status = b.status, "
    "status_since = b.status_since, updated_at = b.updated_at FROM bench_enrolments b "
    "WHERE e.id = b.id",
]


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
    try:
        t = time.perf_counter()
        with open(path, "rb") as f:
            batch = imports.import_receipts(batch, user, f)  # committed when it returns
        elapsed = time.perf_counter() - t
        rss = peak_rss_mb()
    finally:
        with transaction.atomic(), connection.cursor() as cur:
            for sql in RESTORE:
                cur.execute(sql)
            AuditEntry.objects.filter(
                model="collection.receiptimport", object_id=str(batch.pk)
            ).delete()
            ReceiptImport.objects.filter(pk=batch.pk).delete()
        # The removed rows stay as dead tuples and index entries (autovacuum may be off, as on
        # CI's server): reclaim them, or each run imports into more bloated indexes than the last.
        with connection.cursor() as cur:
            for table in (
                "enrolment_receipt",
                "enrolment_contributionmonth",
                "enrolment_vsienrolment",
                "collection_importrow",
            ):
                cur.execute(f"VACUUM {table}")
    return {
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


def line(name, value, target, ok):
    print(f"  {name:<44} {value:>16}   target {target:<22} {'OK' if ok else 'MISSED'}")


def main():
    if "--part" in sys.argv:
        part = sys.argv[sys.argv.index("--part") + 1]
        print(json.dumps({"cycle": part_cycle, "bare": part_bare, "import": part_import}[part]()))
        return
    import generate

    generate.main()
    print("\nCollection benchmarks (PostgreSQL ansinh_bench, province scale)")
    c = child("cycle") | child("bare")
    line("monthly cycle, all offices (s)", f"{c['cycle_s']:.2f}", "<= 10 s", c["cycle_s"] <= 10)
    ratio = c["cycle_s"] / c["bare_s"] if c["bare_s"] else 0
    line("  bare SQL selecting the same rows (s)", f"{c['bare_s']:.2f}", "", True)
    line("  cycle / bare SQL", f"{ratio:.2f} x", "<= 2 x", ratio <= 2)
    line("  rows stored (due + unpaid)", f"{c['due']:,} + {c['unpaid']:,}", "", True)
    line("peak memory of the cycle (MB)", f"{c['rss_mb']:.0f}", "< 500 MB", c["rss_mb"] < 500)
    i = child("import")
    rate = i["rows"] / i["import_s"]
    line(
        f"CSV import, {i['rows']:,} rows, committed (rows/s)",
        f"{rate:,.0f}",
        ">= 20,000 rows/s",
        rate >= 20_000,
    )
    line("  accepted / rejected", f"{i['accepted']:,} / {i['rejected']:,}", "", True)
    line("peak memory of the import (MB)", f"{i['rss_mb']:.0f}", "< 500 MB", i["rss_mb"] < 500)
    if i["status"] != "done":
        print("  import message:", i["message"])
    import web

    settle()
    web.main()  # search, participant page and dashboard p50/p95 with 20 users


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
