"""Past cycles for the demo: the lists of the last months as they were issued then, the
organisations' reasons (a realistic mix), follow-up visits and their outcomes.

Called once at the end of the demo build (ansinh.demo.run.build_demo); idempotent (a cycle
already issued is left alone).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import Role, User
from ansinh.enrolment.models import ContributionMonth
from ansinh.rules.months import Month

from .choices import ListKind, ReasonCode, Source, VisitOutcome, VisitStatus
from .cycle import CYCLE_DAY, issue_cycle, reasons_due
from .models import CycleEntry, FollowUpVisit, NonPaymentReason

#: What collection organisations report (weights): mostly money and migration for work.
#: The demo draws from KEPT_MIX for people who pay again within three months of the list and
#: from LAPSED_MIX for those who do not, so that a reason tells something about what follows
#: (what the lapse-risk model learns, decision 0022): mostly money, work away and forgetting.
KEPT_MIX = [
    (ReasonCode.HARDSHIP, 18),
    (ReasonCode.AWAY, 30),
    (ReasonCode.FORGOT, 30),
    (ReasonCode.UNREACHABLE, 4),
    (ReasonCode.COMPULSORY, 1),
    (ReasonCode.WITHDRAWAL, 1),
    (ReasonCode.ILL, 8),
    (ReasonCode.DIED, 0),
    (ReasonCode.OTHER, 8),
]
LAPSED_MIX = [
    (ReasonCode.HARDSHIP, 38),
    (ReasonCode.AWAY, 20),
    (ReasonCode.FORGOT, 3),
    (ReasonCode.UNREACHABLE, 12),
    (ReasonCode.COMPULSORY, 11),
    (ReasonCode.WITHDRAWAL, 8),
    (ReasonCode.ILL, 3),
    (ReasonCode.DIED, 1),
    (ReasonCode.OTHER, 4),
]
#: Chance that an official visits a person on the unpaid list: the visited come back more
#: often (in the demo's history, as in the field report's follow-up).
VISIT_KEPT, VISIT_LAPSED = 0.9, 0.3
NOTES = {
    ReasonCode.HARDSHIP: ["Mất mùa bưởi", "Chưa bán được lúa", "Nợ tiền phân bón"],
    ReasonCode.AWAY: ["Đi làm ở Bình Dương", "Làm công nhân ở TP.HCM", "Đi làm xa, hẹn Tết về"],
    ReasonCode.FORGOT: ["Hẹn đóng tuần sau", "Quên ngày đóng"],
    ReasonCode.UNREACHABLE: ["Gọi không nghe máy", "Đổi số điện thoại"],
}


def build_history(
    office, today: date | None = None, months: int = 12, seed: int = 2025, log=print
) -> dict:
    today = today or date.today()
    rng = random.Random(seed)
    last = Month.of(today) if today.day >= CYCLE_DAY else Month.of(today) - 1
    officials = list(
        User.objects.filter(office=office, role__in=[Role.OFFICIAL, Role.OFFICE_MANAGER])
    )
    counts = {"cycles": 0, "reasons": 0, "visits": 0}
    for m in [last - i for i in range(months - 1, -1, -1)]:
        live = m == Month.of(today)
        result = issue_cycle(office, m, historical=not live)
        if not result.created:
            continue
        counts["cycles"] += 1
        run = result.run
        with transaction.atomic():
            counts["reasons"] += _reasons(run, m, today, rng)
            counts["visits"] += _visits(run, m, today, rng, officials)
    log(
        f"collection history: {counts['cycles']} cycles, {counts['reasons']} reasons, "
        f"{counts['visits']} visits"
    )
    return counts


def _at(day: date, rng=None) -> datetime:
    hour, minute = (rng.randint(7, 16), rng.randint(0, 59)) if rng else (9, 30)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _report_days(run, month: Month, today: date, rng) -> dict:
    """The day each organisation sent its report: one or two sendings per organisation, most
    by the 20th of the next month, about one in eight a few days late."""
    issued = date(month.year, month.month, CYCLE_DAY)
    due = reasons_due(month)
    days = {}
    orgs = CycleEntry.objects.filter(run=run, kind=ListKind.UNPAID).values_list(
        "organisation_id", flat=True
    )
    for org in sorted(set(orgs), key=lambda o: (o is None, o)):
        if rng.random() < 0.12:
            sent = [due + timedelta(days=rng.randint(1, 9))]
        else:
            sent = [due - timedelta(days=rng.randint(0, 8))]
        if rng.random() < 0.5:  # an early batch, then the rest
            sent.insert(0, issued + timedelta(days=rng.randint(5, (due - issued).days - 9)))
        days[org] = sent
    return days


def _paid_again(run, month: Month) -> set[int]:
    """The people of a run's unpaid list with a voluntary receipt within three months of it."""
    from ansinh.enrolment.models import Receipt, Scheme

    issued = date(month.year, month.month, CYCLE_DAY)
    return set(
        Receipt.objects.filter(
            scheme=Scheme.VSI,
            paid_on__gte=issued,
            paid_on__lt=(month + 4).first_day(),
            person_id__in=CycleEntry.objects.filter(run=run, kind=ListKind.UNPAID).values(
                "person_id"
            ),
        ).values_list("person_id", flat=True)
    )


def _reasons(run, month: Month, today: date, rng) -> int:
    due = reasons_due(month)
    mixes = {
        kept: ([c for c, _w in mix], [w for _c, w in mix])
        for kept, mix in ((True, KEPT_MIX), (False, LAPSED_MIX))
    }
    kept = _paid_again(run, month)
    sent = _report_days(run, month, today, rng)
    reasons, when = [], []
    for e in CycleEntry.objects.filter(run=run, kind=ListKind.UNPAID).order_by("id"):
        # Most people on the list get a reason; a few are never accounted for, and the
        # open cycle's reports are still coming in.
        day = rng.choice(sent[e.organisation_id])
        if day > today or rng.random() < 0.04 or (today <= due and rng.random() < 0.3):
            continue
        code = rng.choices(*mixes[e.person_id in kept])[0]
        reasons.append(
            NonPaymentReason(
                entry=e,
                organisation_id=e.organisation_id,
                code=code,
                note=rng.choice(NOTES.get(code, [""])),
                source=rng.choice([Source.PAGE, Source.PAGE, Source.FILE, Source.API]),
            )
        )
        when.append(_at(day, random.Random(f"{e.organisation_id}-{day}")))
    NonPaymentReason.objects.bulk_create(reasons)
    # auto_now wrote "now" (on the objects too): put back the time each was reported.
    for r, at in zip(reasons, when, strict=True):
        r.reported_at = at
    NonPaymentReason.objects.bulk_update(reasons, ["reported_at"], batch_size=500)
    return len(reasons)


def _visits(run, month: Month, today: date, rng, officials) -> int:
    if not officials:
        return 0
    issued = date(month.year, month.month, CYCLE_DAY)
    start = reasons_due(month)
    if start > today:
        return 0
    entries = CycleEntry.objects.filter(run=run, kind=ListKind.UNPAID, months_overdue__lte=3)
    paid_on = {
        (e, m): d
        for e, m, d in ContributionMonth.objects.filter(
            person_id__in=entries.values("person_id")
        ).values_list("enrolment_id", "month", "receipt__paid_on")
    }
    kept = _paid_again(run, month)
    visits = []
    for e in entries:
        if rng.random() > (VISIT_KEPT if e.person_id in kept else VISIT_LAPSED):
            continue
        due_on = start + timedelta(days=rng.randint(5, 15))
        v = FollowUpVisit(
            entry=e,
            person_id=e.person_id,
            enrolment_id=e.enrolment_id,
            commune_id=e.commune_id,
            official=rng.choice(officials),
            due_on=due_on,
            overdue_month=e.period_start,
        )
        paid = paid_on.get((e.enrolment_id, e.period_start))
        if paid and paid > issued:
            v.status, v.resolved_on = VisitStatus.RESOLVED, paid
            v.outcome = VisitOutcome.WILL_PAY
            v.visited_on = min(paid, due_on)
        elif due_on <= today:
            v.status = VisitStatus.VISITED
            v.outcome = rng.choice(
                [
                    VisitOutcome.REFUSED,
                    VisitOutcome.NOT_HOME,
                    VisitOutcome.MOVED,
                    VisitOutcome.STOPPED,
                    VisitOutcome.WILL_PAY,
                ]
            )
            v.visited_on = due_on
        visits.append(v)
    FollowUpVisit.objects.bulk_create(visits)
    return len(visits)
