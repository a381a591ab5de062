"""Generate a province-scale database for the benchmarks (PostgreSQL `ansinh_bench`).

200,000 VSI participants (5 years of history, ~10 million contribution months and their
receipts), 1,000,000 household HI members, 10 base offices with 3 collection organisations
and 20 collectors each. Rows are written with COPY.

Run: `python bench/generate.py [--force | --vsi]` (--vsi: only the VSI history again).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime

from common import ensure_database, setup_django

from ansinh.rules.identity import make_cccd

VSI = 200_000
HI = 1_000_000
OFFICES = 10
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
        print(f"ansinh_bench already has {Person.objects.count():,} persons: nothing to do")
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    vsi_tables = (
        "enrolment_contributionmonth, enrolment_receipt, enrolment_vsienrolment, "
        "collection_cycleentry, collection_cyclelist, collection_cyclequote, "
        "collection_cyclerun, collection_importrow, collection_receiptimport"
    )
    if not force and Person.objects.count() == HI + VSI:
        print("persons and HI members already there: generating the VSI history only")
        with connection.cursor() as c:
            c.execute(f"TRUNCATE {vsi_tables} CASCADE")
        _vsi_history(rng)
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
        print(f"frame: {len(frame['collectors'])} collectors in {OFFICES} offices")
        _people(rng, frame)
        _vsi_history(rng)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s")


def _frame(rng):
    from ansinh.collection.models import Collector, Organisation
    from ansinh.places.models import Commune, Hamlet, Office, OfficeArea, OfficeName

    communes = list(Commune.objects.filter(province_id="82").values_list("code", flat=True))
    rng.shuffle(communes)
    collectors, hamlets = [], {}
    for i in range(OFFICES):
        office, _ = Office.objects.get_or_create(
            code=f"BENCH{i}", defaults={"kind": Office.Kind.BASE, "province_id": "82"}
        )
        OfficeName.objects.get_or_create(
            office=office, name=f"BHXH cơ sở {i + 1}", valid_from=date(2015, 1, 1)
        )
        mine = communes[i::OFFICES]
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


def _people(rng, frame):

    now = datetime.now(UTC)
    communes = frame["communes"]
    # Households and persons: HI members grouped in households of ~3; VSI participants apart.
    n_households = HI // 3 + VSI
    t = time.perf_counter()
    household_commune = [communes[rng.randrange(len(communes))] for _ in range(n_households)]
    _copy(
        "registry_household",
        ["id", "code", "commune_id", "hamlet_id", "address", "created_at"],
        (
            (i + 1, f"HB{i + 1}", c, rng.choice(frame["hamlets"][c]), "", now)
            for i, c in enumerate(household_commune)
        ),
    )
    total = HI + VSI

    def persons():
        for pid in range(1, total + 1):
            if pid <= VSI:
                hh, order = HI // 3 + pid, 1
            else:
                k = pid - VSI - 1
                hh, order = k // 3 + 1, k % 3 + 1
            c = household_commune[hh - 1]
            cols = frame["by_commune"].get(c)
            collector = cols[pid % len(cols)] if cols and pid <= VSI else None
            yield (
                pid,
                f"Người {pid}",
                f"nguoi {pid}",
                date(1960 + pid % 40, 1 + pid % 12, 1),
                False,
                "MF"[pid % 2],
                make_cccd("087", 1960 + pid % 40, "MF"[pid % 2], pid // 40),  # unique, valid
                f"{8700000000 + pid}",
                f"09{pid:08d}",
                "Kinh",
                c,
                rng.choice(frame["hamlets"][c]),
                f"{pid % 200} đường số {pid % 9}",
                hh,
                order,
                collector,
                now,
                now,
            )

    _copy(
        "registry_person",
        [
            "id",
            "full_name",
            "name_folded",
            "birth_date",
            "birth_year_only",
            "sex",
            "cccd",
            "si_code",
            "phone",
            "ethnicity",
            "commune_id",
            "hamlet_id",
            "address",
            "household_id",
            "household_order",
            "collector_id",
            "created_at",
            "updated_at",
        ],
        persons(),
    )
    print(f"persons and households: {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    _copy(
        "enrolment_hienrolment",
        [
            "person_id",
            "household_id",
            "member_order",
            "period_months",
            "start_month",
            "card_from",
            "card_to",
            "status",
            "created_at",
            "updated_at",
        ],
        (
            (
                pid,
                (pid - VSI - 1) // 3 + 1,
                (pid - VSI - 1) % 3 + 1,
                12,
                date(2022, 1, 1),
                date(2026, 1, 1),
                date(2026, 12, 31),
                "active",
                now,
                now,
            )
            for pid in range(VSI + 1, total + 1)
        ),
    )
    print(f"HI enrolments: {time.perf_counter() - t:.0f} s")
    # Support groups for 10% of VSI participants.
    _copy(
        "registry_supportmembership",
        ["person_id", "group", "valid_from", "valid_to", "document"],
        (
            (pid, GROUPS[pid % 3], date(2022, 1, 1), None, "")
            for pid in range(1, VSI + 1)
            if pid % 10 == 0
        ),
    )


def _vsi_history(rng):
    """VSI enrolments and their history: receipts period by period, ~98% on time."""
    from django.db import connection

    from ansinh.parameters.table import current_table
    from ansinh.rules.vsi import vsi_quote

    now = datetime.now(UTC)
    today = date.today()
    this_month = today.replace(day=1)
    table = current_table()
    quotes = {}

    def quote(income, group, on, months):
        key = (income, group, on.year, on.month >= 7, months)
        if key not in quotes:
            quotes[key] = vsi_quote(table, income, (group,), on, months=months, province="82")
        return quotes[key]

    t = time.perf_counter()
    rid = 0
    start_floor = add_months(this_month, -60)

    def history():
        nonlocal rid
        for pid in range(1, VSI + 1):
            method = METHODS[pid % len(METHODS)]
            n = int(method)
            income = INCOMES[pid % len(INCOMES)]
            group = GROUPS[pid % 3] if pid % 10 == 0 else "other"
            # over half were participants before the five-year window opened
            start = (
                start_floor
                if rng.random() < 0.55
                else add_months(start_floor, rng.randrange(0, 50))
            )
            # paid through: mostly current; ~2% behind by 1-4 months, ~3% ahead
            r = rng.random()
            lag = rng.randrange(1, 5) if r < 0.02 else (-1 if r > 0.97 else 0)
            last = add_months(this_month, -lag - (pid % n if n > 1 else 0))
            status = "active"
            col = None
            m = start
            enrolment_months = []
            enrolment_receipts = []
            while m <= last:
                k = min(n, (last.year * 12 + last.month) - (m.year * 12 + m.month) + 1)
                rid += 1
                paid_on = (
                    m.replace(day=rng.randrange(1, 20))
                    if m < this_month
                    else (today.replace(day=1))
                )
                q = quote(income, group, paid_on, k)
                col = col or 0
                enrolment_receipts.append(
                    (
                        rid,
                        f"BENCH-{rid}",
                        "vsi",
                        pid,
                        pid,
                        paid_on,
                        m,
                        k,
                        1,
                        income,
                        q.gross_total,
                        q.support_total,
                        q.net_total,
                        "import",
                        now,
                    )
                )
                each = q.gross_total // k
                each_s = q.support_total // q.supported_months if q.supported_months else 0
                for i in range(k):
                    g = q.gross_total - each * (k - 1) if i == k - 1 else each
                    s = 0
                    if i < q.supported_months:
                        s = (
                            q.support_total - each_s * (q.supported_months - 1)
                            if i == q.supported_months - 1
                            else each_s
                        )
                    enrolment_months.append((pid, pid, rid, add_months(m, i), income, g, s))
                m = add_months(m, k)
            paid_through = add_months(m, -1) if m > start else None
            if lag >= 2:
                status = "suspended"
            yield (
                "e",
                (pid, pid, start, income, method, 0, status, "", start, paid_through, now, now),
            )
            for row in enrolment_receipts:
                yield ("r", row)
            for row in enrolment_months:
                yield ("m", row)

    # One pass, three COPY streams: buffer receipts and months per 50,000 enrolments.
    from itertools import islice

    gen = history()
    counts = {"e": 0, "r": 0, "m": 0}
    while True:
        chunk = list(islice(gen, 400_000))
        if not chunk:
            break
        for kind, table_name, cols in (
            (
                "e",
                "enrolment_vsienrolment",
                [
                    "id",
                    "person_id",
                    "start_month",
                    "income",
                    "method",
                    "lump_years",
                    "status",
                    "stop_reason",
                    "status_since",
                    "paid_through",
                    "created_at",
                    "updated_at",
                ],
            ),
            (
                "r",
                "enrolment_receipt",
                [
                    "id",
                    "number",
                    "scheme",
                    "person_id",
                    "vsi_enrolment_id",
                    "paid_on",
                    "from_month",
                    "months",
                    "members",
                    "income",
                    "gross",
                    "support",
                    "amount",
                    "source",
                    "created_at",
                ],
            ),
            (
                "m",
                "enrolment_contributionmonth",
                ["person_id", "enrolment_id", "receipt_id", "month", "income", "gross", "support"],
            ),
        ):
            counts[kind] += _copy(table_name, cols, (row for k, row in chunk if k == kind))
        connection.commit() if not connection.get_autocommit() else None
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
    print(
        f"VSI: {counts['e']:,} enrolments, {counts['r']:,} receipts, "
        f"{counts['m']:,} contribution months in {time.perf_counter() - t:.0f} s"
    )


if __name__ == "__main__":
    main(force="--force" in sys.argv, vsi_only="--vsi" in sys.argv)
