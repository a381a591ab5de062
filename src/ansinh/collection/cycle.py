"""The monthly retention cycle, set-based: on the 25th, for each organisation and collector,
(a) who is due to pay next month and (b) who has not paid for the month before.

Definitions (docs/decisions/0012-retention-cycle.md):

* S, the first unpaid month of an open enrolment = paid_through + 1 (or its first month).
* n, the period = the payment method's months (1, 3, 6, 12; lump sums 12 x years).
* D, the deadline = the last month in which the period starting S is paid on time
  (rules.vsi.payment_deadline: monthly the same month, 3-monthly within 3, 6-monthly within
  the first 4, 12-monthly within the first 7 months).
* Cycle of month M, issued on the 25th of M:
  - due list: active enrolments with S = M + 1 (a new period opens next month);
  - unpaid list: active or suspended enrolments with D <= M - 1 (the deadline has passed),
    no more than MAX_OVERDUE_MONTHS overdue; months overdue = M - S.
* Active enrolments on the unpaid list are suspended (a missed deadline suspends).

Every step is one SQL statement over the set (INSERT ... SELECT, UPDATE ... WHERE); the
amounts come from the rules engine, quoted once per distinct (income, months, best support
group, date) and frozen in CycleQuote.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ansinh.accounts.audit import audited_update
from ansinh.accounts.scope import office_communes
from ansinh.enrolment.models import ContributionMonth, VsiEnrolment, VsiStatus
from ansinh.parameters.table import current_table
from ansinh.registry.models import SupportMembership
from ansinh.rules.months import Month
from ansinh.rules.vsi import (
    SUPPORT_GROUPS,
    IncomeOutOfRange,
    support_rate,
    support_since,
    vsi_quote,
)

from .choices import ListKind
from .models import CycleEntry, CycleList, CycleQuote, CycleRun
from .sql import AddMonths, JoinedColumn, MonthIndex, can_stream, join_select, stream_insert

#: Office practice (settings, decision 0017): the lists' day, and the reasons' day next month.
CYCLE_DAY = settings.CYCLE_DAY
REASONS_DUE_DAY = settings.REASONS_DUE_DAY
REMIND_DAY = 18
MAX_OVERDUE_MONTHS = 12
PERIODIC = ("1", "3", "6", "12")
LUMP = ("advance", "missing")


def issue_date(month: Month) -> date:
    return date(month.year, month.month, CYCLE_DAY)


def reasons_due(month: Month) -> date:
    """Reasons for a cycle's unpaid list are due by the 20th of the next month (the
    REASONS_DUE_DAY setting)."""
    nxt = month + 1
    return date(nxt.year, nxt.month, REASONS_DUE_DAY)


def deadline_offsets(table, on: date) -> dict[str, int]:
    """Months from the period's first month to its deadline month, per payment method."""
    offsets = {m: int(table.value(f"vsi.deadline_months.{m}", on)) - 1 for m in PERIODIC}
    offsets.update({m: 0 for m in LUMP})
    return offsets


def group_ranks(table, on: date, province: str | None) -> dict[str, int]:
    """Support groups ranked as the quote ranks them (combined rate, then national): 0 = other."""
    scored = sorted(
        (g for g in SUPPORT_GROUPS if g != "other"),
        key=lambda g: tuple(reversed(_rate(table, g, on, province))),
    )
    return {g: i + 1 for i, g in enumerate(scored)} | {"other": 0}


def _group_of_rank(table, on: date, province: str | None) -> dict[int, str]:
    """The support group of each rank group_ranks gives (0: other)."""
    return {r: g for g, r in group_ranks(table, on, province).items()}


def _rate(table, group, on, province):
    nat, loc = support_rate(table, [group], on, province)
    return nat, nat + loc


@dataclass
class CycleResult:
    run: CycleRun
    created: bool


def enrolment_rows(office, month: Month, kind: str, *, historical: bool = False, table=None):
    """The queryset that selects one office's list rows (as `x_<column>` aliases)."""
    communes = office_communes(office, issue_date(month))
    return list_rows(
        {c: 0 for c in communes},
        office.province_id,
        month,
        kind,
        historical=historical,
        table=table,
    )


def list_rows(
    commune_run: dict,
    province: str,
    month: Month,
    kind: str,
    *,
    historical: bool = False,
    table=None,
):
    """The queryset that selects one list kind's rows for several offices priced alike at
    once (`priced_alike`, quoted for `province`; as `x_<column>` aliases; `x_run` from the
    commune -> run map), set-based.

    `historical` reads paid_through as of the cycle date from the contribution months (for
    issuing past cycles in the demo); otherwise the enrolment's own indexed paid_through.
    """
    table = table or current_table()
    on_issue = issue_date(month)
    on_quote = (month + 1).first_day() if kind == ListKind.DUE else on_issue
    qs, status = _candidates(commune_run, month, kind, on_issue, historical)
    qs = _with_period(qs, deadline_offsets(table, on_issue))
    qs, overdue, status = _in_list(qs, month, kind, status, historical)
    qs = qs.annotate(
        x_run=_run_of(commune_run),
        x_person=F("person_id"),
        x_enrolment=F("pk"),
        x_organisation=F("person__collector__organisation_id"),
        x_collector=F("person__collector_id"),
        x_commune=F("person__commune_id"),
        x_hamlet=F("person__hamlet_id"),
        x_full_name=F("person__full_name"),
        x_birth_date=F("person__birth_date"),
        x_si_code=F("person__si_code"),
        x_phone=F("person__phone"),
        x_address=F("person__address"),
        x_hamlet_name=Coalesce(F("person__hamlet__name"), Value("")),
        x_commune_name=F("person__commune__name"),
        x_status=status,
        x_income=F("income"),
        x_method=F("method"),
        x_months_overdue=overdue,
        x_months_to_pay=F("x_period_months"),
        x_group_rank=Coalesce(
            _best_group_rank(group_ranks(table, on_quote, province), on_quote), Value(0)
        ),
    )
    # The amount is the run's frozen quote, joined in by _insert_entries.
    qs = qs.annotate(x_amount=Value(None, output_field=IntegerField()))
    return qs.values("x_run", *[f"x_{c}" for c in ENTRY_COLUMNS]).order_by()


def _run_of(commune_run: dict):
    """Each row's run, from its person's commune (one value when there is one run)."""
    by_run: dict[int, list[str]] = defaultdict(list)
    for commune, run_id in commune_run.items():
        by_run[run_id].append(commune)
    if len(by_run) == 1:
        return Value(next(iter(by_run)))
    return Case(
        *[When(person__commune_id__in=cs, then=Value(r)) for r, cs in by_run.items()],
        output_field=IntegerField(),
    )


def _candidates(commune_run: dict, month: Month, kind: str, on_issue: date, historical: bool):
    """The enrolments of the communes that may be on the list, with their paid-through month
    (`x_paid_through`), and their status when it is read as it is (None: as it was then)."""
    qs = VsiEnrolment.objects.filter(person__commune_id__in=list(commune_run))
    if historical:
        qs = qs.filter(start_month__lte=(month + 1).first_day()).exclude(
            status=VsiStatus.STOPPED, status_since__lte=on_issue
        )
        qs, paid_through = _with_paid_through_as_of(qs, on_issue)
        status = None  # as it was then: see _in_list
    else:
        paid_through = F("paid_through")
        status = F("status")
        if kind == ListKind.DUE:
            qs = qs.filter(status=VsiStatus.ACTIVE)
        else:
            qs = qs.filter(status__in=[VsiStatus.ACTIVE, VsiStatus.SUSPENDED])
    return qs.annotate(x_paid_through=paid_through), status


def paid_through_as_of(on: date):
    """Each (enrolment, person)'s paid-through month as of a day: the latest of its
    contribution months whose receipt was paid by then (none: no row)."""
    return (
        ContributionMonth.objects.filter(receipt__paid_on__lte=on)
        .values("enrolment_id", "person_id")
        .annotate(paid_through=Max("month"))
        .order_by()
    )


def _with_paid_through_as_of(qs, on: date):
    """The enrolments with their paid-through month as of a day (NULL: nothing paid by
    then), for all of them at once: one grouped MAX over the contribution months paid by
    then, joined in. A correlated subquery per enrolment (the latest such month) was run
    again for each place the lists' query reads the month (7 on the due list, 26 on the
    unpaid one): 914 s for three months of past lists at province scale (decision 0025)."""
    qs, alias = join_select(
        qs,
        paid_through_as_of(on),
        "paid_as_of",
        on=[("id", "enrolment_id"), ("person_id", "person_id")],
    )
    return qs, JoinedColumn(alias, "paid_through", DateField())


def _with_period(qs, offsets: dict[str, int]):
    """The period to pay: its first month, its length and the month it is due by."""
    qs = qs.annotate(
        x_period_start=Coalesce(AddMonths(F("x_paid_through"), Value(1)), F("start_month"))
    )
    return qs.annotate(
        x_period_months=Case(
            *[When(method=m, then=Value(int(m))) for m in PERIODIC],
            default=F("lump_years") * 12,
            output_field=IntegerField(),
        ),
        x_deadline=Case(
            *[
                When(method=m, then=AddMonths(F("x_period_start"), Value(off)))
                for m, off in offsets.items()
                if off
            ],
            default=F("x_period_start"),
        ),
    )


def _in_list(qs, month: Month, kind: str, status, historical: bool):
    """The rows of the list kind (due next month, or unpaid past the deadline for at most
    MAX_OVERDUE_MONTHS), the months overdue, and the status shown."""
    m_index = month.index
    if kind == ListKind.DUE:
        qs = qs.filter(x_period_start=(month + 1).first_day())
        overdue = Value(0)
    else:
        qs = qs.annotate(x_deadline_index=MonthIndex(F("x_deadline")))
        qs = qs.annotate(x_start_index=MonthIndex(F("x_period_start")))
        qs = qs.filter(
            x_deadline_index__lte=m_index - 1, x_start_index__gte=m_index - MAX_OVERDUE_MONTHS
        )
        overdue = Value(m_index) - F("x_start_index")
        if historical:
            # As the cycle found them: a deadline missed last month was still active (this
            # cycle suspends it), an older one was suspended by an earlier cycle.
            status = Case(
                When(x_deadline_index=m_index - 1, then=Value(VsiStatus.ACTIVE)),
                default=Value(VsiStatus.SUSPENDED),
            )
    if status is None:
        status = Value(VsiStatus.ACTIVE)
    return qs, overdue, status


def _best_group_rank(ranks: dict[str, int], on: date):
    """The person's best support group on a date, as its rank (the highest support)."""
    return Subquery(
        SupportMembership.objects.filter(person=OuterRef("person_id"), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .annotate(
            r=Case(
                *[When(group=g, then=Value(r)) for g, r in ranks.items()],
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-r")
        .values("r")[:1]
    )


ENTRY_COLUMNS = [
    "person",
    "enrolment",
    "organisation",
    "collector",
    "commune",
    "hamlet",
    "full_name",
    "birth_date",
    "si_code",
    "phone",
    "address",
    "hamlet_name",
    "commune_name",
    "status",
    "income",
    "method",
    "period_months",
    "paid_through",
    "period_start",
    "deadline",
    "months_overdue",
    "months_to_pay",
    "group_rank",
    "amount",
]


def issue_cycle(office, month: Month, user=None, *, historical: bool = False) -> CycleResult:
    """Issue (once) the cycle of `month` for `office`; a second call returns the first run."""
    return issue_cycles([office], month, user, historical=historical)[0]


def issue_cycles(offices, month: Month, user=None, *, historical: bool = False):
    """Issue the cycle of `month` for several offices; one statement per list kind for all
    the offices priced alike (`priced_alike`: every province without parameter rows of its
    own together). Offices already issued keep their run (idempotent)."""
    results, todo = [], []
    for office in offices:
        existing = CycleRun.objects.filter(office=office, month=month.first_day()).first()
        if existing is not None:
            results.append(CycleResult(existing, False))
        else:
            todo.append(office)
    # Streamed between two connections when the caller's data is committed (decision 0016).
    stream = can_stream(connection)
    quoter = _Quoter(historical)  # one per call: the provinces share their quotes
    for province, group in priced_alike(todo, quoter.table):
        try:
            results += _issue_group(group, province, month, user, historical, stream, quoter)
        except IntegrityError:  # issued at the same moment by someone else, or another fault
            runs = [
                CycleRun.objects.filter(office=o, month=month.first_day()).first() for o in group
            ]
            if None in runs:
                raise
            results += [CycleResult(run, False) for run in runs]
    created = [r.run.pk for r in results if r.created]
    if created and not historical:
        from .signals import cycle_issued

        transaction.on_commit(lambda: cycle_issued.send(sender=CycleRun, run_ids=created))
    order = {o.pk: i for i, o in enumerate(offices)}
    return sorted(results, key=lambda r: order.get(r.run.office_id, 0))


def priced_alike(offices, table) -> list[tuple[str, list]]:
    """The offices in groups whose lists are priced by the same parameters, each with a
    province to price them for: a province with rows of its own in the parameters table is
    a group, and every other province is priced with the national figures, so all of them
    are one group (national scale: one scan of the enrolments per list kind, not one per
    province; decision 0025)."""
    own = table.provinces()
    groups: dict[str | None, list] = defaultdict(list)
    for office in offices:
        groups[office.province_id if office.province_id in own else None].append(office)
    return [(key or group[0].province_id, group) for key, group in groups.items()]


@transaction.atomic
def _issue_group(
    offices, province, month: Month, user, historical, stream, quoter
) -> list[CycleResult]:
    started = time.perf_counter()
    table = quoter.table
    on_issue = issue_date(month)
    runs = [
        CycleRun.objects.create(
            office=o, month=month.first_day(), issued_by=user if user and user.pk else None
        )
        for o in offices
    ]
    commune_run: dict[str, int] = {}
    for office, run in zip(offices, runs, strict=True):
        for commune in office_communes(office, on_issue):
            commune_run.setdefault(commune, run.pk)
    if commune_run:
        selects = []
        for kind, quotes in _prequote(runs[0], month, quoter, province).items():
            qs = list_rows(commune_run, province, month, kind, historical=historical, table=table)
            selects.append(_list_select(qs, kind, runs[0].pk, _quote_day(month, kind), quotes))
        _insert_entries(selects, stream)
        _cap_support(runs, month, table, province, historical)
    # A past cycle (demo history) counts whom it suspended; the registry already shows it.
    suspended = _suspend(runs, month, user, update=not historical)
    _summarise(runs)
    elapsed = int((time.perf_counter() - started) * 1000)
    for run in runs:
        run.suspended_count = suspended.get(run.pk, 0)
        run.elapsed_ms = elapsed
        run.save()
    return [CycleResult(run, True) for run in runs]


def _quote_day(month: Month, kind: str) -> date:
    """The day a list's amounts are quoted for: the due month, or the issue date."""
    return (month + 1).first_day() if kind == ListKind.DUE else issue_date(month)


def _insert_entries(selects: list[tuple[str, list]], stream: bool) -> int:
    """Write the lists' rows (one `_list_select` per kind, as one UNION ALL) with one
    INSERT ... SELECT; on PostgreSQL with `stream`, the same SELECT piped from a second
    connection (sql.stream_insert, decision 0016), so one kind's rows are selected while the
    other's are written."""
    qn = connection.ops.quote_name
    names = [CycleEntry._meta.get_field(c).column for c in ENTRY_FIELDS]
    select = " UNION ALL ".join(sql for sql, _p in selects)
    params = [p for _s, ps in selects for p in ps]
    table = CycleEntry._meta.db_table
    if stream:
        return stream_insert(table, names, select, params)
    statement = f"INSERT INTO {qn(table)} ({', '.join(qn(n) for n in names)}) {select}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


#: What _list_select gives, in order: the entry's fields.
ENTRY_FIELDS = ["kind", "run", *ENTRY_COLUMNS]


def _list_select(qs, kind: str, quote_run: int, on_quote: date, quotes) -> tuple[str, list]:
    """One list kind's rows as entries, each with its frozen quote joined in (by hash, not a
    lookup per row): from the run's CycleQuote rows on SQLite, from the `quotes` themselves
    (as arrays) on PostgreSQL, where a streaming reader could not see the uncommitted rows.

    The rows' query is fenced (OFFSET 0: PostgreSQL may not inline it), so each row's support
    group is looked up once, not again for the join.
    """
    qn = connection.ops.quote_name
    fields = [CycleEntry._meta.get_field(c) for c in ENTRY_FIELDS]
    lumps = ", ".join(["%s"] * len(LUMP))
    exprs = ["%s"] + [f"sub.{qn('x_' + c)}" for c in ENTRY_FIELDS[1:-1]]
    exprs.append(f"CASE WHEN sub.x_method IN ({lumps}) THEN NULL ELSE q.amount END")
    sql, params = qs.query.get_compiler(connection=connection).as_sql()
    if connection.vendor == "postgresql":  # the exact column types (a binary COPY needs them)
        exprs = [
            f"CAST({e} AS {f.db_type(connection)})" for e, f in zip(exprs, fields, strict=True)
        ]
        source = (
            "unnest(%s::bigint[], %s::int[], %s::int[], %s::bigint[]) "
            "AS q(income, months, group_rank, amount)"
        )
        source_params = [
            [getattr(q, f) for q in quotes] for f in ("income", "months", "group_rank", "amount")
        ]
        fence = " OFFSET 0"
    else:
        source = (
            f"(SELECT income, months, group_rank, amount FROM {qn(CycleQuote._meta.db_table)} "
            f"WHERE run_id = %s AND {qn('on')} = %s) q"
        )
        source_params = [quote_run, on_quote]
        fence = " LIMIT -1 OFFSET 0"
    select = (
        f"SELECT {', '.join(exprs)} FROM ({sql}{fence}) sub LEFT JOIN {source} "
        "ON q.income = sub.x_income AND q.months = sub.x_period_months "
        "AND q.group_rank = sub.x_group_rank"
    )
    return select, [kind, *LUMP, *params, *source_params]


class _Quoter:
    """The quotes of one issuing of the cycle, shared by its provinces: the (income, mode)
    pairs the enrolments hold, read once, and each quote computed once. A province without
    rows of its own in the parameters table is quoted with the national figures, so its
    quotes are those of any other such province (national scale: 34 provinces, one set)."""

    def __init__(self, historical: bool):
        self.table = current_table()
        self.historical = historical
        self._pairs = None
        self._own = self.table.provinces()
        self._quotes: dict = {}

    def pairs(self) -> list[tuple[int, str]]:
        if self._pairs is None:
            enrolments = VsiEnrolment.objects.all()
            if not self.historical:  # past lists may show people who stopped since
                enrolments = enrolments.exclude(status=VsiStatus.STOPPED)
            self._pairs = list(
                enrolments.exclude(method__in=LUMP)
                .values_list("income", "method")
                .order_by()
                .distinct()
            )
        return self._pairs

    def quote(self, income: int, group: str, on: date, months: int, province: str):
        """(gross, support, amount), or None when the rules refuse the income."""
        key = (income, group, on, months, province if province in self._own else None)
        if key not in self._quotes:
            try:
                q = vsi_quote(self.table, income, (group,), on, months=months, province=province)
                self._quotes[key] = (q.gross_total, q.support_total, q.net_total)
            except (IncomeOutOfRange, ValueError):
                self._quotes[key] = None
        return self._quotes[key]


def _prequote(run, month: Month, quoter: _Quoter, province: str) -> dict[str, list]:
    """Quote, for each list kind, every (income, months, best support group) its rows can
    need, once each, with the rules engine; the lists' SELECT then joins each entry's amount
    in (frozen, and stored as the run's CycleQuote rows)."""
    by_kind = {}
    for kind in (ListKind.DUE, ListKind.UNPAID):
        on = _quote_day(month, kind)
        by_rank = _group_of_rank(quoter.table, on, province)
        quotes = by_kind[kind] = []
        for income, method in quoter.pairs():
            months = int(method)
            for rank, group in by_rank.items():
                q = quoter.quote(income, group, on, months, province)
                if q is None:
                    continue
                quotes.append(
                    CycleQuote(
                        run=run,
                        on=on,
                        income=income,
                        months=months,
                        group_rank=rank,
                        group=group,
                        gross=q[0],
                        support=q[1],
                        amount=q[2],
                    )
                )
    CycleQuote.objects.bulk_create([q for quotes in by_kind.values() for q in quotes])
    return by_kind


def _cap_support(runs, month: Month, table, province: str, historical=False) -> int:
    """The lifetime cap on supported months (`vsi.support.max_months`) in the lists' amounts.

    The lists' quotes assume a whole period supported. The cap can bind only for an entry
    whose period ends more than `cap` months after support began (support_since): none
    before the cycle of November 2027 with the shipped table, so usually nothing is read.
    Otherwise each such entry's supported months before its period are counted (the
    (person, month) index) and, where the cap binds, its amount is quoted again with them.
    Returns the number of amounts changed."""
    cap = int(table.value_or("vsi.support.max_months", issue_date(month), 0))
    since = support_since(table)
    longest = max(int(m) for m in PERIODIC)  # lump sums are not quoted on the lists
    if not cap or since is None or ((month + 1) - since) + longest <= cap:
        return 0
    months = ContributionMonth.objects.filter(
        person_id=OuterRef("person_id"), support__gt=0, month__lt=OuterRef("period_start")
    )
    if historical:  # as the cycle found them: paid by its date
        months = months.filter(receipt__paid_on__lte=issue_date(month))
    used = Subquery(months.values("person_id").annotate(n=Count("id")).values("n"))
    candidates = (
        CycleEntry.objects.filter(run__in=runs, amount__isnull=False)
        .annotate(start=MonthIndex(F("period_start")))
        .filter(start__gt=Value(cap + since.index) - F("months_to_pay"))
        .annotate(used=Coalesce(used, 0))
        .filter(used__gt=Value(cap) - F("months_to_pay"))
        .values_list("id", "kind", "income", "months_to_pay", "group_rank", "used")
    )
    groups = {
        kind: _group_of_rank(table, _quote_day(month, kind), province)
        for kind in (ListKind.DUE, ListKind.UNPAID)
    }
    capped = []
    for pk, kind, income, months, rank, n in candidates:
        on = _quote_day(month, kind)
        q = vsi_quote(
            table,
            income,
            (groups[kind][rank],),
            on,
            months=months,
            province=province,
            support_months_used=n,
        )
        capped.append(CycleEntry(pk=pk, amount=q.net_total))
    CycleEntry.objects.bulk_update(capped, ["amount"], batch_size=1000)
    return len(capped)


def _suspend(runs, month: Month, user=None, *, update: bool = True) -> dict[int, int]:
    """A missed deadline suspends: the active enrolments on the unpaid lists, in one UPDATE,
    each change in the audit log (user None: the scheduled job)."""
    entries = CycleEntry.objects.filter(run__in=runs, kind=ListKind.UNPAID, status=VsiStatus.ACTIVE)
    counts = dict(entries.values_list("run_id").annotate(n=Count("id")).order_by())
    if not update:
        return counts
    audited_update(
        user,
        VsiEnrolment.objects.filter(pk__in=entries.values("enrolment_id"), status=VsiStatus.ACTIVE),
        status=VsiStatus.SUSPENDED,
        status_since=issue_date(month),
    )
    return counts


def _summarise(runs) -> None:
    """One list row per (kind, organisation) and per (kind, collector), from one GROUP BY."""
    rows = (
        CycleEntry.objects.filter(run__in=runs)
        .values("run_id", "kind", "organisation_id", "collector_id")
        .annotate(n=Count("id"), total=Coalesce(Sum("amount"), 0))
        .order_by()
    )
    per_org = defaultdict(lambda: [0, 0])
    lists = []
    for r in rows:
        if r["collector_id"] is not None:
            lists.append(
                CycleList(
                    run_id=r["run_id"],
                    kind=r["kind"],
                    organisation_id=r["organisation_id"],
                    collector_id=r["collector_id"],
                    count=r["n"],
                    amount=r["total"],
                )
            )
        acc = per_org[(r["run_id"], r["kind"], r["organisation_id"])]
        acc[0] += r["n"]
        acc[1] += r["total"]
    for (run_id, kind, org), (n, total) in per_org.items():
        lists.append(
            CycleList(run_id=run_id, kind=kind, organisation_id=org, count=n, amount=total)
        )
    CycleList.objects.bulk_create(lists)
    for run in runs:
        run.due_count = sum(
            n for (r, k, _o), (n, _t) in per_org.items() if r == run.pk and k == ListKind.DUE
        )
        run.unpaid_count = sum(
            n for (r, k, _o), (n, _t) in per_org.items() if r == run.pk and k == ListKind.UNPAID
        )


def issue_all(month: Month, user=None) -> list[CycleResult]:
    """The scheduled job: every base office that has collection organisations."""
    from ansinh.places.models import Office

    offices = Office.objects.filter(kind=Office.Kind.BASE, organisations__isnull=False).distinct()
    return issue_cycles(list(offices), month, user)
