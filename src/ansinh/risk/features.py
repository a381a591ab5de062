"""The features of a list's rows, as of the list's issue date (decision 0022).

One call per run (`run_features`): the run's entries and a handful of grouped queries over
the office's own history, each bounded by the issue date (the 25th of the run's month):
receipts paid before that day, earlier runs only, reasons reported and visits made before
that day. Nothing the office learnt after the list was issued reaches its row, so a model
trained on old lists is measured on later ones as it would have been used.

The label (`lapsed`) looks the other way: whether the person paid nothing (no voluntary
receipt) from the issue date until HORIZON_MONTHS after the later of the row's deadline and
the month after the list. Someone who comes back with a new registration counts as kept
(the missed months are not paid back); someone who moved to compulsory insurance, withdrew
or died counts as lapsed. A row is labelled only once that time has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When

from ansinh.collection.choices import ListKind, ReasonCode
from ansinh.collection.cycle import deadline_offsets, issue_date
from ansinh.collection.models import CycleEntry, CycleRun, FollowUpVisit, NonPaymentReason
from ansinh.collection.sql import AddMonths
from ansinh.enrolment.models import ContributionMonth, Receipt, Scheme
from ansinh.parameters.table import current_table
from ansinh.rules.months import Month
from ansinh.rules.retirement import retirement

#: A row counts as lapsed when its person paid nothing within this many months after the
#: later of its deadline and the month after the list.
HORIZON_MONTHS = 2
#: How far back the history features look (months before the list's month).
LOOKBACK_MONTHS = 24
#: Reasons reported for earlier unpaid lists, grouped as the features see them.
REASON_GROUPS = {
    ReasonCode.HARDSHIP: "reason_hardship",
    ReasonCode.AWAY: "reason_away",
    ReasonCode.FORGOT: "reason_forgot",
    ReasonCode.COMPULSORY: "reason_leaving",
    ReasonCode.WITHDRAWAL: "reason_leaving",
    ReasonCode.UNREACHABLE: "reason_unreachable",
    ReasonCode.ILL: "reason_other",
    ReasonCode.DIED: "reason_other",
    ReasonCode.OTHER: "reason_other",
}

#: The features, in the model's order.
FEATURES = [
    "unpaid_list",
    "months_overdue",
    "mode_monthly",
    "mode_3",
    "mode_6",
    "no_support",
    "income_millions",
    "age",
    "retirement_age",
    "tenure_years",
    "gap_months_24",
    "late_payments_24",
    "late_payments_6",
    "paid_ahead_share_12",
    "unpaid_lists_12",
    "reason_hardship",
    "reason_away",
    "reason_forgot",
    "reason_leaving",
    "reason_unreachable",
    "reason_other",
    "visited_12",
    "collector_lapse_rate",
]
INDEX = {name: i for i, name in enumerate(FEATURES)}


@dataclass
class RunRows:
    """The rows of one run: entry ids, kinds, collectors, the feature matrix (the collector's
    rate still empty: it comes from the model or from the training history) and labels."""

    run: CycleRun
    ids: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    collectors: list[int | None] = field(default_factory=list)
    x: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))
    #: 1 lapsed, 0 paid in time, -1 not known yet (the horizon has not passed).
    y: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    horizon_end: list[date] = field(default_factory=list)


def horizon_end(run_month: Month, deadline: date) -> date:
    """The first day after the time a row's period has to be paid before it counts as lapsed."""
    base = max(Month.of(deadline), run_month + 1)
    return (base + HORIZON_MONTHS + 1).first_day()


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _retired(sex, born, month: Month, table, cache: dict) -> bool:
    """Whether the person has reached the retirement age by the list's month (a pension may
    start: the enrolment usually stops); cached per (sex, birth month)."""
    if not born or sex not in ("M", "F"):
        return False
    key = (sex, born.year, born.month)
    if key not in cache:
        cache[key] = retirement(sex, Month.of(born), table).reached
    return cache[key] <= month


ENTRY_COLUMNS = (
    "id",
    "kind",
    "person_id",
    "collector_id",
    "months_overdue",
    "method",
    "group_rank",
    "income",
    "birth_date",
    "period_start",
    "deadline",
    "start",
    "paid_on",
    "person__sex",
)


def run_features(run: CycleRun, as_of: date | None = None) -> RunRows:
    """The features of every entry of `run` as of its issue date, and the labels known on
    `as_of` (default: no labels)."""
    month = Month.of(run.month)
    t = issue_date(month)
    first = (month - LOOKBACK_MONTHS).first_day()
    year_ago = (month - 12).first_day()
    entries = _entries(run, t)
    out = RunRows(run=run)
    if not entries:
        return out
    persons = CycleEntry.objects.filter(run=run).values("person_id")
    table = current_table()
    history = _History(
        paid=_months_paid(persons, first, month, t),
        late=_late_receipts(persons, first, t, table),
        ahead=_paid_ahead_share(persons, t),
        unpaid_before=_unpaid_lists_before(run, year_ago, month),
        last_reason=_last_reasons(run, year_ago, month, t),
        visited=_visited(run, t),
    )
    x = np.zeros((len(entries), len(FEATURES)))
    y = np.full(len(entries), -1, dtype=int)
    ends = []
    reached: dict = {}
    for i, entry in enumerate(entries):
        entry = dict(zip(ENTRY_COLUMNS, entry, strict=True))
        _fill(x[i], entry, history, month, t, first, table, reached)
        end = horizon_end(month, entry["deadline"])
        ends.append(end)
        if as_of is not None and end <= as_of:
            paid_on = entry["paid_on"]
            y[i] = 0 if paid_on is not None and paid_on < end else 1
        out.ids.append(entry["id"])
        out.kinds.append(entry["kind"])
        out.collectors.append(entry["collector_id"])
    out.x, out.y, out.horizon_end = x, y, ends
    return out


@dataclass
class _History:
    """What the office knew of the run's people by its issue date, per person id."""

    paid: dict  # months paid in the lookback window
    late: dict  # (receipts paid after their deadline in the window, of them in 6 months)
    ahead: dict  # share of the last year's receipts paid before their period began
    unpaid_before: dict  # earlier unpaid lists of the office (12 months)
    last_reason: dict  # the last reason reported for an earlier unpaid list
    visited: set  # visited by an official (12 months)


def _entries(run: CycleRun, t: date) -> list[tuple]:
    """The run's entries (ENTRY_COLUMNS), with the first VSI payment on or after the issue
    date (`paid_on`, the label's source)."""
    return list(
        CycleEntry.objects.filter(run=run)
        .order_by("id")
        .annotate(
            start=F("enrolment__start_month"),
            paid_on=Subquery(
                Receipt.objects.filter(
                    person_id=OuterRef("person_id"), scheme=Scheme.VSI, paid_on__gte=t
                )
                .order_by("paid_on")
                .values("paid_on")[:1]
            ),
        )
        .values_list(*ENTRY_COLUMNS)
    )


def _months_paid(persons, first: date, month: Month, t: date) -> dict:
    """Months paid (by the issue date) in the lookback window, per person."""
    return dict(
        ContributionMonth.objects.filter(
            person_id__in=persons,
            month__gte=first,
            month__lt=month.first_day(),
            receipt__paid_on__lt=t,
        )
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("person_id", "n")
    )


def _late_receipts(persons, first: date, t: date, table) -> dict:
    """Receipts paid after their period's deadline, in the window and in the last 6 months,
    per person."""
    offsets = deadline_offsets(table, t)
    deadline_after = Case(
        *[
            When(months=int(m), then=AddMonths(F("from_month"), Value(off + 1)))
            for m, off in offsets.items()
            if m.isdigit()
        ],
        default=AddMonths(F("from_month"), Value(1)),
    )
    recent = t - timedelta(days=183)
    rows = (
        Receipt.objects.filter(
            person_id__in=persons, scheme=Scheme.VSI, paid_on__gte=first, paid_on__lt=t
        )
        .annotate(late_from=deadline_after)
        .filter(paid_on__gte=F("late_from"))
        .values("person_id")
        .annotate(n=Count("id"), n6=Count("id", filter=Q(paid_on__gte=recent)))
        .order_by()
        .values_list("person_id", "n", "n6")
    )
    return {person_id: (n, n6) for person_id, n, n6 in rows}


def _paid_ahead_share(persons, t: date) -> dict:
    """The share of the last year's receipts paid before their period began (the steady pay
    ahead; those who pay at the last minute are nearer to missing)."""
    rows = (
        Receipt.objects.filter(
            person_id__in=persons,
            scheme=Scheme.VSI,
            paid_on__gte=t - timedelta(days=365),
            paid_on__lt=t,
        )
        .values("person_id")
        .annotate(n=Count("id"), n_ahead=Count("id", filter=Q(paid_on__lt=F("from_month"))))
        .order_by()
        .values_list("person_id", "n", "n_ahead")
    )
    return {person_id: n_ahead / n for person_id, n, n_ahead in rows}


def _unpaid_lists_before(run: CycleRun, year_ago: date, month: Month) -> dict:
    """Earlier unpaid lists of the office (the 12 months before), per person."""
    earlier = CycleEntry.objects.filter(
        run__office_id=run.office_id,
        run__month__gte=year_ago,
        run__month__lt=month.first_day(),
        kind=ListKind.UNPAID,
    )
    return dict(
        earlier.values("person_id").annotate(n=Count("id")).order_by().values_list("person_id", "n")
    )


def _last_reasons(run: CycleRun, year_ago: date, month: Month, t: date) -> dict:
    """The last reason reported (by the issue date) for an earlier unpaid list, per person."""
    last_reason = {}
    for person_id, code in (
        NonPaymentReason.objects.filter(
            entry__run__office_id=run.office_id,
            entry__run__month__gte=year_ago,
            entry__run__month__lt=month.first_day(),
            reported_at__date__lt=t,
        )
        .order_by("entry__run__month", "reported_at")
        .values_list("entry__person_id", "code")
    ):
        last_reason[person_id] = code
    return last_reason


def _visited(run: CycleRun, t: date) -> set:
    """The persons an official visited by the issue date (the 12 months before)."""
    return set(
        FollowUpVisit.objects.filter(
            entry__run__office_id=run.office_id,
            visited_on__isnull=False,
            visited_on__lt=t,
            visited_on__gte=t - timedelta(days=365),
        ).values_list("person_id", flat=True)
    )


def _fill(row, entry: dict, history: _History, month: Month, t: date, first, table, reached):
    """One entry's feature values, in FEATURES order."""
    person, method, born, start = (
        entry["person_id"],
        entry["method"],
        entry["birth_date"],
        entry["start"],
    )
    row[INDEX["unpaid_list"]] = entry["kind"] == ListKind.UNPAID
    row[INDEX["months_overdue"]] = entry["months_overdue"]
    row[INDEX["mode_monthly"]] = method == "1"
    row[INDEX["mode_3"]] = method == "3"
    row[INDEX["mode_6"]] = method == "6"
    row[INDEX["no_support"]] = entry["group_rank"] == 0
    row[INDEX["income_millions"]] = entry["income"] / 1_000_000
    row[INDEX["age"]] = (_months_between(born, t) / 12) if born else 45.0
    row[INDEX["retirement_age"]] = _retired(entry["person__sex"], born, month, table, reached)
    enrolled_from = max(start or first, first)
    window = max(0, _months_between(enrolled_from, month.first_day()))
    row[INDEX["tenure_years"]] = max(0, _months_between(start or t, t)) / 12
    row[INDEX["gap_months_24"]] = max(0, window - history.paid.get(person, 0))
    late = history.late.get(person, (0, 0))
    row[INDEX["late_payments_24"]], row[INDEX["late_payments_6"]] = late
    row[INDEX["paid_ahead_share_12"]] = history.ahead.get(person, 0.0)
    row[INDEX["unpaid_lists_12"]] = history.unpaid_before.get(person, 0)
    reason = history.last_reason.get(person)
    if reason in REASON_GROUPS:
        row[INDEX[REASON_GROUPS[reason]]] = 1
    row[INDEX["visited_12"]] = person in history.visited


def runs_of(office, *, until: date | None = None, months: int | None = None):
    """The office's runs, oldest first (issued on or before `until`, the last `months`)."""
    qs = CycleRun.objects.filter(office=office).order_by("month")
    if until is not None:
        qs = qs.filter(month__lte=until)
    runs = list(qs)
    return runs[-months:] if months else runs
