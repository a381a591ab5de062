"""The figures summary: participants per commune per month, read by the dashboard, its
Excel export, the period report and the home page.

`targets.queries.metric_count` stays the definition of a participant on a date (decision
0010); `refresh` stores, per commune and month, what it would say for every day of the
month, with set-based grouped queries (one scan per figure, never a loop over people), and
`SummaryCounts` answers `metric_count`'s questions from the stored rows. The two are held equal
by tests (tests/reports/test_figures.py), day by day.

Freshness (decision 0013): a row is refreshed on demand when it is missing, or when it may
still change and is older than `FIGURES_FRESH_SECONDS` (default 120 s). A month may still
change until the month after it has closed (late payments for it are recorded then); a row
refreshed after that is settled. Changes to the past later than that (a lump sum for
missing years, a card stopped, a person moving commune) are picked up by the nightly
`manage.py figures refresh` and the monthly cycle.

Stale while revalidate (decision 0026): a request never waits for the refresh of rows that
exist. It reads them as they are and asks for a refresh of their month (for its communes)
as a background task (`reports.tasks.refresh_figures_task`), once per process and fresh
window (a cache key); the task skips a month refreshed since it was asked. With the database
task backend (a server) the task runs in `manage.py db_worker` and the page says how old its
figures are; with the immediate backend (the default: a laptop, the tests) the task runs at
once, inside the request, as before. Rows that are missing have nothing to show yet: they
are computed inside the request, as before (the nightly refresh and the cycle make that rare).
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from ansinh.accounts.scope import scope_for
from ansinh.common.pg_settings import index_reads_at_cache_cost
from ansinh.common.text import add_months
from ansinh.enrolment.models import (
    ContributionMonth,
    HiEnrolment,
    HiStatus,
    Receipt,
    VsiEnrolment,
    VsiStatus,
)
from ansinh.targets.choices import Metric
from ansinh.targets.queries import counting_months, metric_count

from .models import CommuneMonth

COMMUNE = "person__commune_id"
log = logging.getLogger(__name__)


def fresh_seconds() -> int:
    return int(getattr(settings, "FIGURES_FRESH_SECONDS", 120))


def month_of(d: date) -> date:
    return d.replace(day=1)


def last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


# -- filling ----------------------------------------------------------------------------


def _grouped(qs, *keys, person="person_id") -> dict:
    rows = qs.values(*keys).annotate(n=Count(person, distinct=True)).values_list(*keys, "n")
    if len(keys) == 1:
        return {k: n for k, n in rows if k is not None}
    return {tuple(r[:-1]): r[-1] for r in rows if r[0] is not None}


def _counted_together(qs, **counts: tuple[str, Q | None]) -> dict[str, dict]:
    """Several per-commune counts in ONE scan of `qs` (filtered by the caller to the rows
    the counts need): name=(what is counted distinct, the rows it counts, None for all) gives
    {name: {commune: n}}."""
    annotations = {
        name: Count(what, distinct=True, filter=rows) for name, (what, rows) in counts.items()
    }
    out: dict[str, dict] = {name: {} for name in counts}
    for commune, *values in (
        qs.values(COMMUNE).annotate(**annotations).values_list(COMMUNE, *counts)
    ):
        if commune is None:
            continue
        for name, n in zip(counts, values, strict=True):
            if n:
                out[name][commune] = n
    return out


def compute(month: date, communes: Iterable[str] | None = None, today: date | None = None):
    """The figures of `month` per commune, as {commune: {field: value}} (nothing stored).

    The same filters as `metric_count`, grouped by the person's commune; HI is counted on
    the month's first day and carried through the month by the cards starting and ending
    on each day (a person has at most one HI enrolment that is not stopped). Each table is
    scanned once for the counts it gives (`_counted_together`), the HI cards starting and
    ending within the month apart (by day, through their indexes).
    """
    today = today or date.today()
    first, last = month_of(month), last_day(month)
    area = Q() if communes is None else Q(person__commune_id__in=list(communes))
    current = first == month_of(today)
    # An area's people's rows are read through indexes (decision 0030); the country's scanned.
    with index_reads_at_cache_cost() if communes is not None else nullcontext():
        vsi = _vsi_counts(area, first, last, today if current else None)
        hi = _hi_counts(area, first, last, today if current else None)
        receipts = _receipt_counts(area, first, last, today)
    # {field: {commune: n}}; "now" (active, suspended) only for the current month
    per_commune = vsi | {name: hi[name] for name in ("hi_new", "hi_active") if name in hi}
    keys = set(receipts).union(*per_commune.values(), hi["on_first"])
    keys |= {c for c, _d in hi["starts"]} | {c for c, _d in hi["ends"]}
    if communes is not None:
        keys |= set(communes)
    rows = {}
    for c in keys:
        row = {name: counts.get(c, 0) for name, counts in per_commune.items()}
        row["hi_days"] = _hi_days(c, hi, first, last)
        row["receipts"] = receipts.get(c, 0)
        rows[c] = row
    return rows


def _vsi_counts(area: Q, first: date, last: date, today: date | None) -> dict[str, dict]:
    """Per commune: paying this month, this month or the last, new this year; with `today`
    (the current month), the enrolments active and suspended now."""
    year_start = date(first.year, 1, 1)
    paying = _counted_together(
        ContributionMonth.objects.filter(area, month__in=[add_months(first, -1), first]),
        vsi=("person_id", Q(month=first)),
        vsi_open=("person_id", None),
    )
    counts = {
        "vsi_new": (
            "person_id",
            Q(paid_through__isnull=False, start_month__gte=year_start, start_month__lte=last),
        )
    }
    if today is not None:
        counts["vsi_active"] = ("pk", Q(status=VsiStatus.ACTIVE))
        counts["vsi_suspended"] = ("pk", Q(status=VsiStatus.SUSPENDED))
    return paying | _counted_together(VsiEnrolment.objects.filter(area), **counts)


def _hi_counts(area: Q, first: date, last: date, today: date | None) -> dict[str, dict]:
    """Per commune: new HI cards this year, cards valid on the first day (with `today`, the
    current month: active now), and the cards starting (by commune and day) and ending (by
    commune and day) within the month."""
    year_start = date(first.year, 1, 1)
    not_stopped = ~Q(status=HiStatus.STOPPED)
    counts = {
        "hi_new": (
            "person_id",
            Q(card_to__isnull=False, start_month__gte=year_start, start_month__lte=last),
        ),
        "on_first": ("person_id", not_stopped & Q(start_month__lte=first, card_to__gte=first)),
    }
    if today is not None:
        counts["hi_active"] = ("pk", Q(status=HiStatus.ACTIVE, card_to__gte=today))
    hi = HiEnrolment.objects.filter(area).exclude(status=HiStatus.STOPPED)
    return _counted_together(HiEnrolment.objects.filter(area), **counts) | {
        # Cards starting on day d (> first) and still valid on d: +1 from d.
        "starts": _grouped(
            hi.filter(start_month__gt=first, start_month__lte=last, card_to__gte=F("start_month")),
            COMMUNE,
            "start_month",
        ),
        # Cards ending on day d (< last) that had started by then: -1 from d + 1.
        "ends": _grouped(
            hi.filter(card_to__gte=first, card_to__lt=last, start_month__lte=F("card_to")),
            COMMUNE,
            "card_to",
        ),
    }


def _hi_days(commune: str, hi: dict, first: date, last: date) -> list[int]:
    """A commune's HI cards in force on each day of the month."""
    starts, ends = hi["starts"], hi["ends"]
    days = [hi["on_first"].get(commune, 0)]
    for d in range(2, last.day + 1):
        day = first.replace(day=d)
        days.append(
            days[-1]
            + starts.get((commune, day), 0)
            - ends.get((commune, day - timedelta(days=1)), 0)
        )
    return days


def _receipt_counts(area: Q, first: date, last: date, today: date) -> dict:
    # This month's: everything paid since its first day, as the home page has always counted.
    # COUNT(*), not of the id: the (paid_on, person) index answers it without the table.
    paid = Q(paid_on__gte=first) if first == month_of(today) else Q(paid_on__range=(first, last))
    return dict(
        Receipt.objects.filter(area, paid)
        .values(COMMUNE)
        .annotate(n=Count("*"))
        .values_list(COMMUNE, "n")
    )


def _lock(first: date, wait: bool) -> bool:
    """Serialise refreshes of one month (PostgreSQL); SQLite serialises writers itself."""
    if connection.vendor != "postgresql":
        return True
    key = zlib.crc32(f"ansinh.figures.{first:%Y-%m}".encode())
    with connection.cursor() as c:
        if wait:
            c.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7013, key - 2**31])
            return True
        c.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [7013, key - 2**31])
        return c.fetchone()[0]


def _store(first: date, communes, rows: dict) -> int:
    stale = CommuneMonth.objects.filter(month=first)
    if communes is not None:
        stale = stale.filter(commune_id__in=list(communes))
    stale.delete()
    now = timezone.now()
    CommuneMonth.objects.bulk_create(
        [
            CommuneMonth(commune_id=c, month=first, refreshed_at=now, **values)
            for c, values in sorted(rows.items())
        ],
        batch_size=500,
    )
    return len(rows)


def refresh(month: date, communes: Iterable[str] | None = None, today: date | None = None) -> int:
    """Recompute and store a month's rows (every commune, or those given); idempotent."""
    first = month_of(month)
    communes = None if communes is None else sorted(set(communes))
    with transaction.atomic():
        _lock(first, wait=True)
        return _store(first, communes, compute(first, communes, today))


def is_fresh(row_month: date, refreshed_at: datetime, now: datetime | None = None) -> bool:
    """Settled (refreshed after the month after it closed) or refreshed recently."""
    now = now or timezone.now()
    if refreshed_at >= now - timedelta(seconds=fresh_seconds()):
        return True
    settled_from = add_months(month_of(row_month), 2)
    return timezone.localtime(refreshed_at).date() >= settled_from


def _read(communes: list[str] | None, months: list[date]) -> dict:
    qs = CommuneMonth.objects.filter(month__in=months)
    if communes is not None:
        qs = qs.filter(commune_id__in=communes)
    return {(r.commune_id, r.month): r for r in qs}


def _is_complete(rows: dict, communes: list[str] | None, month: date) -> bool:
    found = sum(1 for _c, m in rows if m == month)
    return found > 0 if communes is None else found >= len(communes)


def _compute_missing(month: date, communes: list[str] | None) -> None:
    """Store a month whose rows are missing, inside the request (there is nothing to show
    without them); after another request's refresh of the month if one is running."""
    with transaction.atomic():
        if not _lock(month, wait=False):
            _lock(month, wait=True)
            if _is_complete(_read(communes, [month]), communes, month):
                return  # the other request stored them
        _store(month, communes, compute(month, communes))


def _refresh_key(month: date, communes: list[str] | None) -> str:
    area = "*" if communes is None else ",".join(communes)
    digest = hashlib.sha1(f"{month:%Y-%m}:{area}".encode()).hexdigest()
    return f"ansinh.figures.refresh-asked:{digest}"


def _runs_in_process(task) -> bool:
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(task.get_backend(), ImmediateBackend)


def ask_refresh(month: date, communes: list[str] | None) -> bool:
    """Start a refresh of a stale month (these communes) outside the request, unless this
    process asked for it within the fresh window; True when it has already run (the
    immediate task backend runs it here and now)."""
    from django_tasks import TaskResultStatus

    from .tasks import refresh_figures_task

    communes = None if communes is None else sorted(set(communes))
    key = _refresh_key(month, communes)
    if not cache.add(key, True, timeout=fresh_seconds()):
        return False
    # Run here (the immediate backend: inside the request), it does not wait for another
    # process's refresh of the month: the request serves the rows it has, as before.
    wait = not _runs_in_process(refresh_figures_task)
    try:
        result = refresh_figures_task.enqueue(
            month.isoformat(), communes, timezone.now().isoformat(), wait
        )
    except Exception:
        cache.delete(key)  # the next request asks again
        raise
    if result.status == TaskResultStatus.FAILED:
        cache.delete(key)
        log.error("figures refresh of %s failed: %s", month, result.errors[-1].traceback)
    return result.is_finished


def refresh_unless_since(
    month: date, communes: list[str] | None, asked_at: datetime, wait: bool = True
) -> int:
    """The background refresh: recompute the month's rows (these communes) unless they were
    all refreshed after `asked_at` (another task or request did it meanwhile), or, without
    `wait`, another refresh of the month is running. The number of rows stored."""
    first = month_of(month)
    communes = None if communes is None else sorted(set(communes))
    with transaction.atomic():
        if not _lock(first, wait=wait):
            return 0
        rows = _read(communes, [first])
        if _is_complete(rows, communes, first) and all(
            r.refreshed_at >= asked_at for r in rows.values()
        ):
            return 0
        return _store(first, communes, compute(first, communes))


def ensure(communes: list[str] | None, months: Iterable[date]) -> dict:
    """The stored rows {(commune, month): CommuneMonth} for these communes and months:
    the missing months computed now, the stale ones served as they are and refreshed in the
    background (`ask_refresh`; at once with the immediate task backend)."""
    months = sorted({month_of(m) for m in months})
    if not months or communes is not None and not communes:
        return {}
    rows = _read(communes, months)
    now = timezone.now()
    reread = []
    for m in months:
        if not _is_complete(rows, communes, m):
            _compute_missing(m, communes)
            reread.append(m)
        elif any(not is_fresh(m, r.refreshed_at, now) for (_c, mm), r in rows.items() if mm == m):
            if ask_refresh(m, communes):
                reread.append(m)
    if reread:
        rows.update(_read(communes, reread))
    return rows


def stale_since(rows: Iterable[CommuneMonth], now: datetime | None = None) -> datetime | None:
    """When the oldest of these rows that is not fresh was refreshed; None if all are."""
    now = now or timezone.now()
    stale = [r.refreshed_at for r in rows if not is_fresh(r.month, r.refreshed_at, now)]
    return min(stale) if stale else None


# -- reading ----------------------------------------------------------------------------


class SummaryCounts:
    """`metric_count(user, metric, on, by="commune" | None, communes=...)` for many dates,
    answered from the summary when the user's scope is a set of communes (or everything),
    and from `metric_count` itself otherwise (collection staff: a few hundred people)."""

    def __init__(self, user, communes: Iterable[str] | None, dates: Iterable[date]):
        self.user = user
        scope = scope_for(user)
        self.area = None if communes is None else sorted(set(communes))
        self.live = scope.nothing or scope.restricted_to_collection
        self.as_of = None  # counted live: as of now
        if self.live:
            return
        if scope.communes is not None:
            self.area = sorted(
                set(scope.communes) if self.area is None else set(self.area) & scope.communes
            )
        self.today = date.today()
        self.rows = ensure(self.area, [month_of(d) for d in dates])
        #: When the figures read were computed, if they are not fresh (being refreshed).
        self.as_of = stale_since(self.rows.values())

    def _value(self, row, metric, on):
        if metric == Metric.VSI:
            return row.vsi_open if len(counting_months(on, self.today)) == 2 else row.vsi
        if metric == Metric.HI:
            return row.hi_days[on.day - 1] if row.hi_days else 0
        if metric == Metric.VSI_NEW:
            return row.vsi_new
        if metric == Metric.HI_NEW:
            return row.hi_new
        raise ValueError(metric)

    def count(self, metric: str, on: date, by: str | None = None):
        if self.live:
            return metric_count(self.user, metric, on, by=by, communes=self.area)
        m = month_of(on)
        per = defaultdict(int)
        for (commune, month), row in self.rows.items():
            if month == m:
                per[commune] += self._value(row, metric, on)
        if by is None:
            return sum(per.values())
        if by != "commune":
            raise ValueError(f"the summary is by commune, not by {by}")
        return dict(per)

    def now(self, name: str) -> int:
        """A home-page status count (this month's rows)."""
        m = month_of(self.today)
        return sum(getattr(row, name) or 0 for (_c, month), row in self.rows.items() if month == m)
