"""Everything the collection app reads, scoped to the user: runs, lists, completeness,
measures. The dashboard, the Excel files, the chat message and the API use these."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from ansinh.enrolment.models import ContributionMonth
from ansinh.rules.months import Month

from .choices import ListKind, ReasonCode, VisitStatus
from .cycle import issue_date, reasons_due
from .models import (
    Collector,
    CycleEntry,
    CycleList,
    CycleRun,
    FollowUpVisit,
    NonPaymentReason,
    Organisation,
)


def runs_for(user):
    return CycleRun.objects.restrict(user).select_related("office")


def collectors_for(user):
    """The collectors whose lists a user may ask for: those of the organisations the user
    sees and, for a collector, only themselves (another collector's list is outside scope)."""
    return Collector.objects.restrict(user).select_related("organisation")


#: The collector's filters on their phone list: everyone, due, unpaid, paid today.
MY_LIST_FILTERS = ("all", "due", "unpaid", "done")

#: The orders of a list's page (`?sort=`): by place and name, or by lapse risk, highest first
#: (the risk app writes `CycleEntry.risk`; rows not scored come last, decision 0022).
LIST_SORTS = ("name", "risk")


def sort_entries(qs, sort: str = "name"):
    by_place = ("commune_name", "hamlet_name", "full_name", "kind", "id")
    if sort == "risk":
        return qs.order_by(F("risk").desc(nulls_last=True), *by_place)
    return qs.order_by(*by_place)


def risk_scored(qs) -> bool:
    """Whether any row of the list has a lapse risk (False: no model trained, or the list
    not scored yet; the page says what to run)."""
    return qs.filter(risk__isnull=False).exists()


@dataclass
class HamletGroup:
    name: str  # "Ấp Long Hưng A, Hòa Long"
    entries: list


def my_list(user, run, show: str = "all", q: str = "", today=None, sort: str = "name") -> dict:
    """A collector's (or organisation's) lists of a run, as their phone page shows them:
    grouped by hamlet, each entry marked `done_today` when the person has a receipt paid
    today, filtered by `show` (MY_LIST_FILTERS) and by name (`q`, without diacritics too).
    With `sort="risk"`, one group, highest lapse risk first.
    Returns the groups and the count of each filter (before the filter, after the search)."""
    from datetime import date as _date

    from ansinh.common.text import fold
    from ansinh.enrolment.models import Receipt

    today = today or _date.today()
    # the page shows no collector: their rows are not joined
    rows = list(
        sort_entries(entries(user, run).select_related(None).select_related("reason"), sort)
    )
    paid_today = set(
        Receipt.objects.restrict(user)
        .filter(person_id__anyof=frozenset(e.person_id for e in rows), paid_on=today)
        .values_list("person_id", flat=True)
    )
    needle = fold(q)
    counts = dict.fromkeys(MY_LIST_FILTERS, 0)
    groups: dict[tuple, HamletGroup] = {}
    for e in rows:
        e.done_today = e.person_id in paid_today
        if needle and needle not in fold(e.full_name):
            continue
        shows = {"all", "done"} if e.done_today else {"all", e.kind}
        for f in shows:
            counts[f] += 1
        if show not in shows:
            continue
        key = ("", "") if sort == "risk" else (e.commune_name, e.hamlet_name)
        if key not in groups:
            label = ", ".join(p for p in (e.hamlet_name, e.commune_name) if p)
            if sort == "risk":
                label = gettext("Everyone, highest lapse risk first")
            groups[key] = HamletGroup(label, [])
        groups[key].entries.append(e)
    return {"groups": list(groups.values()), "counts": counts}


def latest_run(user):
    return runs_for(user).order_by("-month").first()


def entries(user, run, kind=None, organisation_id=None, collector_id=None):
    qs = CycleEntry.objects.restrict(user).filter(run=run)
    if kind:
        qs = qs.filter(kind=kind)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if collector_id:
        qs = qs.filter(collector_id=collector_id)
    return qs.select_related("collector", "reason")


def lists_for(user, run):
    """The issued lists of a run a user may see: office staff all, an organisation its own,
    a collector theirs."""
    return (
        CycleList.objects.restrict(user).filter(run=run).select_related("organisation", "collector")
    )


def end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def reason_completeness(run, user) -> list[dict]:
    """Per organisation: unpaid people, reasons reported, missing, reported late, last report.

    `user` is required (a scheduled job passes `accounts.scope.SYSTEM`)."""
    due = end_of(reasons_due(Month.of(run.month)))
    qs = CycleEntry.objects.restrict(user).filter(run=run, kind=ListKind.UNPAID)
    rows = (
        qs.values("organisation_id")
        .annotate(
            total=Count("id"),
            reported=Count("reason"),
            late=Count("reason", filter=Q(reason__reported_at__gt=due)),
            last=Max("reason__reported_at"),
        )
        .order_by("organisation_id")
    )
    orgs = Organisation.objects.in_bulk(
        [r["organisation_id"] for r in rows if r["organisation_id"]]
    )
    now = timezone.now()
    out = []
    for r in rows:
        missing = r["total"] - r["reported"]
        out.append(
            {
                "organisation": orgs.get(r["organisation_id"]),
                "total": r["total"],
                "reported": r["reported"],
                "missing": missing,
                "late": r["late"] + (missing if now > due else 0),
                "last": r["last"],
                "percent": round(100 * r["reported"] / r["total"]) if r["total"] else 100,
                "overdue": now > due and missing > 0,
            }
        )
    return out


def reason_mix(run, user) -> list[tuple[str, str, int]]:
    qs = NonPaymentReason.objects.restrict(user).filter(entry__run=run)
    counts = dict(qs.values_list("code").annotate(n=Count("id")).order_by())
    return [(c.value, c.label, counts.get(c.value, 0)) for c in ReasonCode]


def chat_message(run, user, organisation=None, collector=None) -> str:
    """A ready-to-paste message for the organisation's chat group (Vietnamese)."""
    from ansinh.common.text import money

    month = Month.of(run.month)
    qs = CycleEntry.objects.restrict(user).filter(run=run)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if collector is not None:
        qs = qs.filter(collector=collector)
    agg = {
        r["kind"]: r
        for r in qs.values("kind").annotate(n=Count("id"), total=Sum("amount")).order_by()
    }
    due, unpaid = agg.get(ListKind.DUE, {}), agg.get(ListKind.UNPAID, {})
    who = collector.full_name if collector else (organisation.name if organisation else "")
    nxt = month + 1
    lines = [
        f"📋 {run.office.name_on(run.month)} gửi {who}: danh sách BHXH tự nguyện "
        f"ngày {issue_date(month):%d/%m/%Y}.",
        f"• Đến hạn đóng tháng {nxt.month:02d}/{nxt.year}: {due.get('n', 0)} người, "
        f"số tiền {money(due.get('total') or 0)}.",
        f"• Chưa đóng tháng {month.month - 1 or 12:02d}/"
        f"{month.year if month.month > 1 else month.year - 1} trở về trước: "
        f"{unpaid.get('n', 0)} người, số tiền {money(unpaid.get('total') or 0)}.",
        f"Đề nghị nhân viên thu đôn đốc người tham gia đóng đúng hạn và báo cáo lý do "
        f"từng người chưa đóng trước ngày {reasons_due(month):%d/%m/%Y}.",
    ]
    return "\n".join(lines)


def my_visits(user):
    return (
        FollowUpVisit.objects.filter(official=user)
        .select_related("entry", "commune", "person")
        .order_by("status", "due_on", "id")
    )


def visits_for(user, run=None):
    qs = FollowUpVisit.objects.restrict(user).select_related("entry", "official", "commune")
    if run is not None:
        qs = qs.filter(entry__run=run)
    return qs


# -- measures ------------------------------------------------------------------------------

DIMENSIONS = {
    "organisation": ("organisation_id", "organisation__name"),
    "collector": ("collector_id", "collector__full_name"),
    "commune": ("commune_id", "commune_name"),
}


def _months(last: Month, n: int) -> list[Month]:
    return [last - i for i in range(n - 1, -1, -1)]


def on_time(user, months: list[Month], dimension: str | None = None):
    """Paid by the deadline / due, per deadline month (and dimension), from the due lists.

    Due: the people on the issued due lists whose period's deadline falls in the month.
    On time: a contribution month for the period's first month recorded with a receipt paid
    on or before the deadline month's last day.
    """
    first, last = months[0].first_day(), months[-1].first_day()
    paid = ContributionMonth.objects.filter(  # one probe of the unique (person, month) index
        person_id=OuterRef("person_id"),
        month=OuterRef("period_start"),
        receipt__paid_on__lt=OuterRef("deadline_end"),
    )
    qs = (
        CycleEntry.objects.restrict(user)
        .filter(kind=ListKind.DUE, deadline__gte=first, deadline__lte=last)
        .annotate(deadline_end=_next_month("deadline"))
        .annotate(ok=Exists(paid))
    )
    keys = ["deadline"]
    if dimension:
        keys += list(DIMENSIONS[dimension])
    rows = qs.values(*keys).annotate(due=Count("id"), paid=Count("id", filter=Q(ok=True)))
    return list(rows.order_by(*keys))


def _next_month(field):
    """The first day of the month after a first-of-month date field (paid_on < it = in time)."""
    from django.db.models import F, Value

    from .sql import AddMonths

    return AddMonths(F(field), Value(1))


def measures(user, last: Month, n: int = 12, dimension: str = "organisation") -> dict:
    months = _months(last, n)
    overall = {r["deadline"]: r for r in on_time(user, months)}
    by_dim = on_time(user, months, dimension)
    id_key, name_key = DIMENSIONS[dimension]
    table = defaultdict(dict)
    names = {}
    for r in by_dim:
        names[r[id_key]] = r[name_key] or "—"
        table[r[id_key]][Month.of(r["deadline"])] = r
    # Newly overdue (suspended) per cycle month and reason, recovered after a visit.
    unpaid = CycleEntry.objects.restrict(user).filter(
        kind=ListKind.UNPAID,
        run__month__gte=months[0].first_day(),
        run__month__lte=months[-1].first_day(),
    )
    newly = unpaid.filter(run__month=_next_month("deadline"))
    suspended = defaultdict(int)
    reasons = defaultdict(lambda: defaultdict(int))
    for month, code, n_ in (
        newly.values_list("run__month", "reason__code").annotate(n=Count("id")).order_by()
    ):
        suspended[Month.of(month)] += n_
        reasons[Month.of(month)][code or ""] += n_
    recovered = defaultdict(int)
    for day, n_ in (
        FollowUpVisit.objects.restrict(user)
        .filter(status=VisitStatus.RESOLVED, resolved_on__gte=months[0].first_day())
        .values_list("resolved_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        recovered[Month.of(day)] += n_
    rows = []
    for m in months:
        o = overall.get(m.first_day())
        due = o["due"] if o else 0
        paid = o["paid"] if o else 0
        rows.append(
            {
                "month": m,
                "due": due,
                "paid": paid,
                "rate": round(100 * paid / due, 1) if due else None,
                "suspended": suspended.get(m, 0),
                "reasons": dict(reasons.get(m, {})),
                "recovered": recovered.get(m, 0),
            }
        )
    dims = []
    for key, per_month in table.items():
        cells = []
        for m in months:
            r = per_month.get(m)
            cells.append(round(100 * r["paid"] / r["due"], 1) if r and r["due"] else None)
        dims.append({"name": names[key], "cells": cells})
    dims.sort(key=lambda d: d["name"])
    return {"months": months, "rows": rows, "dimension": dimension, "dims": dims}
