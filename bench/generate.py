"""Generate the benchmark database of a scale (bench/common.py) with COPY, never the ORM.

* province (`ansinh_bench`): 200,000 VSI participants (5 years of history, ~10 million
  contribution months and their receipts), 1,000,000 household HI members, 10 base offices
  with 3 collection organisations and 20 collectors each, in province 82;
* national (`ansinh_bench_national`, `SCALE=national`): 2,000,000 VSI participants (64 months
  of history, ~100 million contribution months), 10,000,000 HI members, 3 offices in each of
  the 34 provinces, each with 3 organisations and 20 collectors.

Run: `[SCALE=national] python bench/generate.py [--force | --vsi]` (--vsi: only the VSI
history again).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from common import SCALE, ensure_database, setup_django

from ansinh.rules.identity import make_cccd

VSI = SCALE.vsi
HI = SCALE.hi
SEED = 20261122
INCOMES = [1_500_000 + 100_000 * i for i in range(30)] + [
    5_000_000,
    6_000_000,
    8_000_000,
    10_000_000,
]
METHODS = ["1"] * 60 + ["3"] * 15 + ["6"] * 10 + ["12"] * 15
GROUPS = ["poor", "near_poor", "ethnic_minority"]


def add_months(d: date, n: int) -> date:
    i = d.year * 12 + d.month - 1 + n
    return date(i // 12, i % 12 + 1, 1)


def main(force: bool = False, vsi_only: bool = False) -> None:
    ensure_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from ansinh.enrolment.models import VsiEnrolment
    from ansinh.registry.models import Person

    if VsiEnrolment.objects.count() == VSI and not force and not vsi_only:
        print(f"{SCALE.database} already has {Person.objects.count():,} persons")
        _vacuumed()
        _figures_summary()
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    vsi_tables = (
        "enrolment_contributionmonth, enrolment_receipt, enrolment_vsienrolment, "
        "collection_cycleentry, collection_cyclelist, collection_cyclequote, "
        "collection_cyclerun, collection_importrow, collection_receiptimport, reports_communemonth"
    )
    if not force and Person.objects.count() == HI + VSI:
        print("persons and HI members already there: generating the VSI history only")
        with connection.cursor() as c:
            c.execute(f"TRUNCATE {vsi_tables} CASCADE")
        remake = _drop_secondary_indexes(FILLED[-3:])
        _filled(remake, FILLED[-3:], lambda: _vsi_history(rng))
    else:
        with connection.cursor() as c:
            c.execute(
                f"TRUNCATE {vsi_tables}, enrolment_hienrolment, registry_supportmembership, "
                "registry_person, registry_household, collection_servedarea, "
                "collection_collector, collection_collectionpoint, collection_organisation, "
                "places_hamlet CASCADE"
            )
        call_command("load_places", verbosity=0)
        frame = _frame(rng)
        print(f"frame: {len(frame['collectors'])} collectors in {frame['offices']} offices")
        remake = _drop_secondary_indexes(FILLED)
        _filled(remake, FILLED, lambda: (_people(rng, frame), _vsi_history(rng)))
    with connection.cursor() as c:
        c.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s")
    _vacuumed(every=True)
    _figures_summary()


def _vacuumed(every: bool = False) -> None:
    """VACUUM (ANALYZE) the generated tables (`every`) or those never vacuumed. A database in
    service is vacuumed by autovacuum, and its visibility map lets the pages' counts read an
    index alone; a freshly loaded one is not (and on this bench server autovacuum is off), so
    each count would read the heap of every row it counts: one office's figures refresh took
    2.8 s for its VSI counts instead of 0.35 s."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
            "AND (%s OR last_vacuum IS NULL AND last_autovacuum IS NULL)",
            [list(FILLED), every],
        )
        tables = [r[0] for r in c.fetchall()]
        if not tables:
            return
        t = time.perf_counter()
        c.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    print(f"vacuumed {len(tables)} tables: {time.perf_counter() - t:.0f} s")


def _figures_summary() -> None:
    """The figures summary as a server's nightly `figures refresh` leaves it (decision 0013),
    this month and the 13 before: the pages read it and refresh its open months; they do not
    build a year of it. Months already there are kept."""
    from datetime import date

    from ansinh.reports.figures import refresh
    from ansinh.reports.models import CommuneMonth
    from ansinh.rules.months import Month

    this = Month.of(date.today())
    kept = set(CommuneMonth.objects.values_list("month", flat=True).distinct())
    missing = [m.first_day() for m in (this - i for i in range(13, -1, -1))]
    missing = [m for m in missing if m not in kept]
    t = time.perf_counter()
    for month in missing:
        refresh(month)
    if missing:
        print(f"figures summary, {len(missing)} months: {time.perf_counter() - t:.0f} s")


def _frame(rng):
    from ansinh.collection.models import Collector, Organisation
    from ansinh.places.models import Commune, Hamlet, Office, OfficeArea, OfficeName

    places = Commune.objects.order_by("code")
    if SCALE.provinces:
        places = places.filter(province_id__in=SCALE.provinces)
    by_province = {}
    for code, province in places.values_list("code", "province_id"):
        by_province.setdefault(province, []).append(code)
    communes, offices = [], []  # (office number, province, its communes)
    per = SCALE.offices_per_province
    for province, codes in sorted(by_province.items()):
        rng.shuffle(codes)
        communes += codes
        offices += [(len(offices) + k, province, codes[k::per]) for k in range(per)]
    collectors, hamlets = [], {}
    for i, province, mine in offices:
        office, _ = Office.objects.get_or_create(
            code=f"BENCH{i}", defaults={"kind": Office.Kind.BASE, "province_id": province}
        )
        OfficeName.objects.get_or_create(
            office=office, name=f"BHXH cơ sở {i + 1}", valid_from=date(2015, 1, 1)
        )
        OfficeArea.objects.filter(office=office).delete()
        OfficeArea.objects.bulk_create(
            OfficeArea(office=office, commune_id=c, valid_from=date(2015, 1, 1)) for c in mine
        )
        for c in mine:
            hamlets[c] = [
                h.pk
                for h in Hamlet.objects.bulk_create(
                    Hamlet(commune_id=c, name=f"Ấp {k + 1}") for k in range(8)
                )
            ]
        orgs = [
            Organisation.objects.create(
                code=f"B{i}-{kind}", name=f"{kind} {i}", kind=kind, office=office
            )
            for kind in ("post", "viettel", "other")
        ]
        for k in range(20):
            commune = mine[k % len(mine)]
            collectors.append(
                Collector.objects.create(
                    organisation=orgs[k % 3],
                    code=f"B{i}C{k}",
                    full_name=f"Thu {i}-{k}",
                    commune_id=commune,
                )
            )
    by_commune = {}
    for col in collectors:
        by_commune.setdefault(col.commune_id, []).append(col.pk)
    return {
        "offices": len(offices),
        "communes": communes,
        "hamlets": hamlets,
        "collectors": collectors,
        "by_commune": by_commune,
    }


def _copy(table, columns, rows):
    from django.db import connection

    n = 0
    with connection.cursor() as c:
        # The generator writes consistent rows: skip the per-row foreign-key triggers.
        c.execute("SET session_replication_role = replica")
        cols = ", ".join(f'"{c}"' for c in columns)
        with c.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def _sql(statement: str, params=None) -> int:
    """One statement of the generator (foreign-key triggers off: its rows are consistent)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")
        c.execute(statement, params)
        return c.rowcount


#: The tables the generator fills, written without their secondary indexes, which are built
#: once at the end (sorted, in parallel): far faster than keeping them up row by row.
FILLED = (
    "registry_household",
    "registry_person",
    "registry_supportmembership",
    "enrolment_hienrolment",
    "enrolment_vsienrolment",
    "enrolment_receipt",
    "enrolment_contributionmonth",
)


def _drop_secondary_indexes(tables) -> list[str]:
    """Drop the indexes and unique constraints of `tables` but their primary keys; return the
    statements that make them again."""
    from django.db import connection

    remake, drop = [], []
    with connection.cursor() as c:
        c.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('u', 'x') AND conrelid::regclass::text = ANY(%s)",
            [list(tables)],
        )
        for table, name, definition in c.fetchall():
            remake.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        c.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN "
            "('p', 'u', 'x'))",
            [list(tables)],
        )
        for name, definition in c.fetchall():
            remake.append(definition)
            drop.append(f'DROP INDEX "{name}"')
        for statement in drop:
            c.execute(statement)
    return remake


def _filled(remake: list[str], tables, fill) -> None:
    """fill(), then the indexes built again; if it fails, the tables emptied first (a unique
    index could not be built on half-written rows) so the database keeps its indexes."""
    from django.db import connection

    try:
        fill()
    except BaseException:
        with connection.cursor() as c:
            c.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        raise
    finally:
        _remake_indexes(remake)


def _remake_indexes(statements) -> None:
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SET maintenance_work_mem = '1GB'")
        c.execute("SET max_parallel_maintenance_workers = 2")
        for statement in statements:
            c.execute(statement)
    print(
        f"{len(statements)} indexes and unique constraints built: {time.perf_counter() - t:.0f} s"
    )


def _people(rng, frame):
    """Households of ~3 HI members and VSI participants (one per household), with SQL."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SELECT setseed(%s)", [rng.random() * 2 - 1])
        c.execute(
            "CREATE TEMP TABLE bench_commune (n int PRIMARY KEY, code text, hamlets bigint[], "
            "collectors bigint[])"
        )
    _copy(
        "bench_commune",
        ["n", "code", "hamlets", "collectors"],
        (
            (k + 1, code, frame["hamlets"][code], frame["by_commune"].get(code, []))
            for k, code in enumerate(frame["communes"])
        ),
    )
    households = HI // 3 + VSI
    _sql(
        "INSERT INTO registry_household (id, code, commune_id, hamlet_id, address, created_at) "
        "SELECT h.i, 'HB' || h.i, c.code, c.hamlets[1 + floor(random() * cardinality(c.hamlets))"
        "::int], '', now() FROM (SELECT i, 1 + floor(random() * %s)::int AS n "
        "FROM generate_series(1, %s) i OFFSET 0) h JOIN bench_commune c ON c.n = h.n",
        [len(frame["communes"]), households],
    )
    # Person pid: a VSI participant alone in household HI // 3 + pid (pid <= VSI), else an HI
    # member, three to a household. CCCD: province 087, century-and-sex digit, birth year,
    # serial pid // 40 (unique with the year and sex, which come from pid % 40 and pid % 2).
    _sql(
        "INSERT INTO registry_person (id, full_name, name_folded, birth_date, birth_year_only, "
        "sex, cccd, si_code, phone, ethnicity, commune_id, hamlet_id, address, household_id, "
        "household_order, collector_id, created_at, updated_at) "
        "SELECT p.pid, 'Người ' || p.pid, 'nguoi ' || p.pid, "
        "make_date(1960 + p.pid %% 40, 1 + p.pid %% 12, 1), false, "
        "CASE WHEN p.pid %% 2 = 0 THEN 'M' ELSE 'F' END, "
        "'087' || CASE WHEN p.pid %% 2 = 0 THEN '0' ELSE '1' END "
        "|| lpad(((1960 + p.pid %% 40) %% 100)::text, 2, '0') || lpad((p.pid / 40)::text, 6, '0'), "
        "(8700000000 + p.pid)::text, '09' || lpad(p.pid::text, 8, '0'), 'Kinh', "
        "h.commune_id, h.hamlet_id, (p.pid %% 200) || ' đường số ' || (p.pid %% 9), h.id, "
        "p.ord, CASE WHEN p.pid <= %(vsi)s AND cardinality(c.collectors) > 0 "
        "THEN c.collectors[1 + p.pid %% cardinality(c.collectors)] END, now(), now() "
        "FROM (SELECT pid, CASE WHEN pid <= %(vsi)s THEN %(hh)s + pid "
        "ELSE (pid - %(vsi)s - 1) / 3 + 1 END AS hh, "
        "CASE WHEN pid <= %(vsi)s THEN 1 ELSE (pid - %(vsi)s - 1) %% 3 + 1 END AS ord "
        "FROM generate_series(1, %(total)s) pid) p "
        "JOIN registry_household h ON h.id = p.hh JOIN bench_commune c ON c.code = h.commune_id",
        {"vsi": VSI, "hh": HI // 3, "total": VSI + HI},
    )
    with connection.cursor() as c:  # the SQL's CCCD is make_cccd's
        c.execute("SELECT id, cccd FROM registry_person WHERE id IN (1, 2, 41, %s)", [VSI + 7])
        for pid, cccd in c.fetchall():
            assert cccd == make_cccd("087", 1960 + pid % 40, "MF"[pid % 2], pid // 40), pid
    print(f"persons and households: {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    _sql(
        "INSERT INTO enrolment_hienrolment (person_id, household_id, member_order, "
        "period_months, start_month, card_from, card_to, status, created_at, updated_at) "
        "SELECT pid, (pid - %(vsi)s - 1) / 3 + 1, (pid - %(vsi)s - 1) %% 3 + 1, 12, "
        "'2022-01-01', '2026-01-01', '2026-12-31', 'active', now(), now() "
        "FROM generate_series(%(vsi)s + 1, %(total)s) pid",
        {"vsi": VSI, "total": VSI + HI},
    )
    # Support groups for 10% of VSI participants (the same as _plan's).
    _sql(
        'INSERT INTO registry_supportmembership (person_id, "group", valid_from, valid_to, '
        "document) SELECT pid, (ARRAY[%s, %s, %s])[1 + pid %% 3], '2022-01-01', NULL, '' "
        "FROM generate_series(10, %s, 10) pid",
        [*GROUPS, VSI],
    )
    print(f"HI enrolments and support groups: {time.perf_counter() - t:.0f} s")


def _plan(rng, this_month: date):
    """Each VSI participant's enrolment: start, last month paid, mode, income, support group."""
    start_floor = add_months(this_month, -SCALE.history_months)
    for pid in range(1, VSI + 1):
        method = METHODS[pid % len(METHODS)]
        n = int(method)
        # over half were participants before the window opened
        start = (
            start_floor
            if rng.random() < 0.55
            else add_months(start_floor, rng.randrange(0, SCALE.history_months - 10))
        )
        # paid through: mostly current; ~2% behind by 1-4 months, ~3% ahead
        r = rng.random()
        lag = rng.randrange(1, 5) if r < 0.02 else (-1 if r > 0.97 else 0)
        last = add_months(this_month, -lag - (pid % n if n > 1 else 0))
        group = GROUPS[pid % 3] if pid % 10 == 0 else "other"
        span = (last.year * 12 + last.month) - (start.year * 12 + start.month)  # months - 1
        yield pid, start, last, span, n, INCOMES[pid % len(INCOMES)], group, lag


def _quotes(table, this_month: date, own: list[str], other: str):
    """The amounts of every receipt the history can hold: by income, support group, the half
    year it is paid in, its months (1-12) and the province (only those with their own support
    rows differ; the others share the national figures)."""
    from ansinh.rules.vsi import vsi_quote

    start = add_months(this_month, -SCALE.history_months - 6)
    halves = []
    d = date(start.year, 1 if start.month < 7 else 7, 1)
    while d <= this_month:
        halves.append(d)
        d = add_months(d, 6)
    for province in [*own, other]:
        for income in INCOMES:
            for group in ["other", *GROUPS]:
                for half in halves:
                    for k in range(1, 13):
                        q = vsi_quote(table, income, (group,), half, months=k, province=province)
                        yield (
                            province,
                            income,
                            group,
                            half,
                            k,
                            q.gross_total,
                            q.support_total,
                            q.net_total,
                        )


def _vsi_history(rng):
    """VSI enrolments (planned in Python) and their history with SQL: receipts period by
    period, each split into its contribution months as the ledger's writer splits them."""
    from django.db import connection

    from ansinh.parameters.table import current_table

    t = time.perf_counter()
    this_month = date.today().replace(day=1)
    with connection.cursor() as c:
        c.execute(
            "CREATE TEMP TABLE bench_plan (pid bigint PRIMARY KEY, start date, last date, "
            "span int, n int, income bigint, grp text, lag int)"
        )
        c.execute("SELECT DISTINCT province_id FROM places_commune")
        provinces = sorted(p for (p,) in c.fetchall())
        c.execute(
            "CREATE TEMP TABLE bench_quote (province text, income bigint, grp text, half date, "
            "k int, gross bigint, support bigint, amount bigint, "
            "PRIMARY KEY (province, income, grp, half, k))"
        )
    _copy(
        "bench_plan",
        ["pid", "start", "last", "span", "n", "income", "grp", "lag"],
        _plan(rng, this_month),
    )
    table = current_table()
    own = sorted(table.provinces() & set(provinces))  # quoted apart; the others as `other`
    other = next(p for p in provinces if p not in own)
    _copy(
        "bench_quote",
        ["province", "income", "grp", "half", "k", "gross", "support", "amount"],
        _quotes(table, this_month, own, other),
    )
    _sql(
        "INSERT INTO enrolment_vsienrolment (id, person_id, start_month, income, method, "
        "lump_years, status, stop_reason, status_since, paid_through, created_at, updated_at) "
        "SELECT pid, pid, start, income, n::text, 0, "
        "CASE WHEN lag >= 2 THEN 'suspended' ELSE 'active' END, '', start, "
        "CASE WHEN last >= start THEN last END, now(), now() FROM bench_plan ORDER BY pid"
    )
    print(f"VSI enrolments planned: {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    # One receipt per period from the start to the last month paid (the last may be shorter);
    # paid on a day 1-19 of its first month, or on the 1st of this month for this month.
    with connection.cursor() as c:
        c.execute("SELECT pg_get_serial_sequence('enrolment_receipt', 'id')")
        (sequence,) = c.fetchone()
    receipts = _sql(
        "INSERT INTO enrolment_receipt (id, number, scheme, person_id, vsi_enrolment_id, "
        "paid_on, from_month, months, members, income, gross, support, amount, source, "
        "created_at) "
        "SELECT r.id, 'BENCH-' || r.id, 'vsi', r.pid, r.pid, r.paid_on, r.m, r.k, 1, r.income, "
        "q.gross, q.support, q.amount, 'import', now() FROM ("
        "  SELECT nextval(%(seq)s) AS id, s.*, "
        "  CASE WHEN s.m < %(this)s THEN s.m + (floor(random() * 19))::int ELSE %(this)s END "
        "  AS paid_on FROM ("
        "    SELECT p.pid, p.income, p.grp, "
        "    CASE WHEN c.province_id = ANY(%(own)s) THEN c.province_id ELSE %(other)s END AS prov,"
        "    (p.start + make_interval(months => j))::date AS m, LEAST(p.n, p.span - j + 1) AS k "
        "    FROM bench_plan p JOIN registry_person x ON x.id = p.pid "
        "    JOIN places_commune c ON c.code = x.commune_id, "
        "    LATERAL generate_series(0, p.span, p.n) j"
        "  ) s OFFSET 0"
        ") r JOIN bench_quote q ON q.province = r.prov AND q.income = r.income "
        "AND q.grp = r.grp AND q.k = r.k "
        "AND q.half = make_date(extract(year FROM r.paid_on)::int, "
        "CASE WHEN extract(month FROM r.paid_on) < 7 THEN 1 ELSE 7 END, 1)",
        {
            "seq": sequence,
            "this": this_month,
            "own": own,
            "other": other,
        },
    )
    print(f"VSI receipts: {receipts:,} in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    # Split as the ledger does: equal months, the remainder on the last one.
    months = _sql(
        "INSERT INTO enrolment_contributionmonth (person_id, enrolment_id, receipt_id, month, "
        "income, gross, support) "
        "SELECT r.person_id, r.vsi_enrolment_id, r.id, (r.from_month + make_interval(months "
        "=> i))::date, r.income, "
        "CASE WHEN i = r.months - 1 THEN r.gross - r.gross / r.months * (r.months - 1) "
        "ELSE r.gross / r.months END, "
        "CASE WHEN i = r.months - 1 THEN r.support - r.support / r.months * (r.months - 1) "
        "ELSE r.support / r.months END "
        "FROM enrolment_receipt r, generate_series(0, r.months - 1) i "
        "WHERE r.number LIKE %s",
        ["BENCH-%"],
    )
    print(f"VSI contribution months: {months:,} in {time.perf_counter() - t:.0f} s")
    with connection.cursor() as c:
        for tbl in (
            "registry_household",
            "registry_person",
            "enrolment_vsienrolment",
            "enrolment_receipt",
        ):
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{tbl}', 'id'), (SELECT MAX(id) FROM {tbl}))"
            )


if __name__ == "__main__":
    main(force="--force" in sys.argv, vsi_only="--vsi" in sys.argv)
