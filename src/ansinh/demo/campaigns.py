"""Demo data for targets, a past campaign season, communication and recognition.

Called once at the end of `ansinh.demo.run.build_demo`. Everything is derived from the
population already written (real enrolments become the visits' enrolments), so the
dashboard of the demo office reads like the field reports. Written with bulk_create.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import User
from ansinh.campaigns import services
from ansinh.campaigns.choices import ActivityKind, MemberRole, Outcome, RefusalReason, Scheme
from ansinh.campaigns.models import (
    Campaign,
    CommunicationActivity,
    Group,
    GroupMember,
    LaunchDay,
    Mobiliser,
    Recruitment,
    Visit,
)
from ansinh.collection.models import Collector
from ansinh.enrolment.models import HiEnrolment, VsiEnrolment
from ansinh.places.models import Hamlet
from ansinh.registry.models import Person
from ansinh.targets.choices import Level, Metric
from ansinh.targets.models import OfficeTarget, TargetShare
from ansinh.targets.queries import metric_count, office_communes

from .names import mobile_phone, person_name


def _split(total: int, weights: dict) -> dict:
    """Largest-remainder split of a whole into parts proportional to weights."""
    s = sum(weights.values())
    if not s or not total:
        return {k: 0 for k in weights}
    raw = {k: total * w / s for k, w in weights.items()}
    parts = {k: int(v) for k, v in raw.items()}
    rest = total - sum(parts.values())
    for k in sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)[:rest]:
        parts[k] += 1
    return parts


def _targets(root, office, year, on, shares):
    codes = [c.code for c in office_communes(office, on)]
    made = 0
    for metric, achieved in shares.items():
        now = metric_count(root, metric, on, communes=codes)
        value = max(10, round(now / achieved))
        target, _ = OfficeTarget.objects.update_or_create(
            office=office, year=year, metric=metric, defaults={"value": value}
        )
        target.shares.all().delete()
        rows = []
        for level, key in (
            (Level.COMMUNE, "commune_id"),
            (Level.ORGANISATION, "organisation_id"),
            (Level.COLLECTOR, "collector_id"),
        ):
            counts = metric_count(root, metric, on, by=level, communes=codes)
            for unit, value_ in _split(round(value * 0.98), counts).items():
                if value_:
                    rows.append(
                        TargetShare(target=target, level=level, value=value_, **{key: unit})
                    )
        TargetShare.objects.bulk_create(rows)
        made += 1
    return made


def _season(today: date) -> tuple[date, date]:
    year = today.year if today >= date(today.year, 6, 14) else today.year - 1
    return date(year, 4, 1), date(year, 6, 13)


@transaction.atomic
def build_campaign_demo(office, today: date | None = None, seed: int = 2025, log=print) -> dict:
    """Targets, mobilisers, a season of groups, launch days and visits, recruitments and
    communication activities for the demo office (the draws of `seed` in a fixed order)."""
    today = today or date.today()
    if Campaign.objects.filter(office=office).exists():
        return {}
    rng = random.Random(seed)
    root = User(username="demo-builder", is_superuser=True, is_active=True)
    communes = office_communes(office, today)
    codes = [c.code for c in communes]
    # (Commune and hamlet populations: ansinh.demo.setup.settle_populations.)
    log(f"targets: {_demo_targets(root, office, today)}")
    mobilisers = _mobilisers(office, rng)
    campaign, start, end = _season_campaign(office, communes, today)
    groups, members, days = _groups_and_launch_days(campaign, communes, mobilisers, rng)
    visits, recruits = _season_visits(codes, members, days, start, end, rng)
    # Everything else that came in during the last three years: the person's collector.
    credited = services.credit_collectors(root, office, date(today.year - 2, 1, 1), today)
    acts = _communication(office, communes, campaign, start, rng)
    counts = {
        "campaign groups": len(groups),
        "launch days": len(days),
        "campaign visits": len(visits),
        "recruitments": len(recruits) + credited,
        "communication activities": len(acts),
    }
    log(f"campaign demo: {counts}")
    return counts


def _demo_targets(root, office, today: date) -> int:
    """Targets: last year met (~98-107%), this year on the way (~83% of VSI, ~93% of HI)."""
    last_end = date(today.year - 1, 12, 31)
    n = _targets(
        root,
        office,
        today.year - 1,
        last_end,
        {Metric.VSI: 0.9801, Metric.HI: 0.9650, Metric.VSI_NEW: 1.0724, Metric.HI_NEW: 1.02},
    )
    n += _targets(
        root,
        office,
        today.year,
        today,
        {Metric.VSI: 0.8275, Metric.HI: 0.9264, Metric.VSI_NEW: 0.75, Metric.HI_NEW: 0.8},
    )
    return n


def _mobilisers(office, rng) -> dict[str, list[Mobiliser]]:
    """The collectors, plus staff, commune officials and hamlet collaborators, saved, by role."""
    collectors = list(
        Collector.objects.filter(organisation__office=office, active=True).select_related(
            "organisation"
        )
    )
    mobilisers = {}
    for col in collectors:
        role = {"post": MemberRole.POST, "viettel": MemberRole.VIETTEL}.get(
            col.organisation.kind, MemberRole.COLLABORATOR
        )
        mobilisers.setdefault(role, []).append(
            Mobiliser(office=office, full_name=col.full_name, role=role, collector=col, phone="")
        )
    for role, count in (
        (MemberRole.SI_STAFF, 6),
        (MemberRole.COMMUNE, 8),
        (MemberRole.COLLABORATOR, 16),
    ):
        for _ in range(count):
            mobilisers.setdefault(role, []).append(
                Mobiliser(
                    office=office,
                    full_name=person_name(rng, rng.choice("MF")),
                    role=role,
                    phone=mobile_phone(rng),
                )
            )
    for group in mobilisers.values():
        for m in group:
            m.save()
    return mobilisers


def _season_campaign(office, communes, today: date):
    """The season's campaign over the office's communes, and its first and last days."""
    start, end = _season(today)
    campaign = Campaign.objects.create(
        office=office, name=f"Mô hình tổ vận động BHXH tự nguyện {start.year}", start=start, end=end
    )
    campaign.communes.set(communes)
    return campaign, start, end


def _groups_and_launch_days(campaign, communes, mobilisers, rng):
    """Three groups per commune, each of a staff leader and five others, with two launch days
    on the season's Saturdays in a hamlet of the commune."""
    start, end = campaign.start, campaign.end
    saturdays = [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + timedelta(days=i)).weekday() == 5
    ]
    codes = [c.code for c in communes]
    hamlets = {}
    for h in Hamlet.objects.filter(commune_id__in=codes):
        hamlets.setdefault(h.commune_id, []).append(h)
    groups, members, days = [], [], []
    for c in communes:
        for g in range(3):
            group = Group(campaign=campaign, commune=c, name=f"Tổ {g + 1} – {c.name}")
            groups.append(group)
    Group.objects.bulk_create(groups)
    for group in groups:
        picked = [rng.choice(mobilisers[MemberRole.SI_STAFF])]
        for role in (
            MemberRole.POST,
            MemberRole.VIETTEL,
            MemberRole.COMMUNE,
            MemberRole.COLLABORATOR,
            MemberRole.COLLABORATOR,
        ):
            pool = [m for m in mobilisers.get(role, []) if m not in picked] or [
                m for m in mobilisers[MemberRole.COLLABORATOR] if m not in picked
            ]
            picked.append(rng.choice(pool))
        for i, m in enumerate(picked):
            members.append(GroupMember(group=group, mobiliser=m, role=m.role, is_leader=i == 0))
        for d in rng.sample(saturdays, k=min(2, len(saturdays))):
            h = rng.choice(hamlets.get(group.commune_id) or [None])
            days.append(
                LaunchDay(
                    group=group,
                    date=d,
                    hamlet=h,
                    place=f"Văn phòng {h.name}" if h else "UBND xã",
                    target_vsi=rng.randint(3, 6),
                    target_hi=rng.randint(2, 5),
                    lessons="Đến từng nhà vào buổi tối; mời cán bộ ấp đi cùng.",
                )
            )
    GroupMember.objects.bulk_create(members)
    LaunchDay.objects.bulk_create(days)
    return groups, members, days


def _season_visits(codes, members, days, start: date, end: date, rng):
    """Visits: the season's real new enrolments, spread over the commune's launch days, plus
    refusals, promises and empty houses; and who brought whom in."""
    vsi_by_commune, hi_by_commune = _season_enrolments(codes, start, end)
    day_members = {}
    for m in members:
        day_members.setdefault(m.group_id, []).append(m)
    days_by_commune = {}
    for d in days:
        days_by_commune.setdefault(d.group.commune_id, []).append(d)
    visits, recruits = [], []
    for code in codes:
        cdays = days_by_commune.get(code, [])
        if not cdays:
            continue
        for scheme, rows in (
            (Scheme.VSI, vsi_by_commune.get(code, [])),
            (Scheme.HI, hi_by_commune.get(code, [])),
        ):
            for row in rows[: 7 * len(cdays)]:
                visit, recruit = _enrolled_visit(code, scheme, row, cdays, day_members, rng)
                visits.append(visit)
                recruits.append(recruit)
        visits += _door_visits(code, cdays, day_members, rng)
    names = dict(
        Person.objects.filter(pk__in=[v.person_id for v in visits if v.person_id]).values_list(
            "pk", "full_name"
        )
    )
    for v in visits:
        if v.person_id:
            v.met_name = names.get(v.person_id, "")
    Visit.objects.bulk_create(visits, batch_size=1000)
    Recruitment.objects.bulk_create(recruits, batch_size=1000, ignore_conflicts=True)
    return visits, recruits


def _season_enrolments(codes, start: date, end: date):
    """The season's paid new VSI and HI enrolments per commune."""
    vsi_by_commune, hi_by_commune = {}, {}
    for pk, pid, code, hid in VsiEnrolment.objects.filter(
        person__commune_id__in=codes,
        start_month__gte=start.replace(day=1),
        start_month__lte=end,
        paid_through__isnull=False,
    ).values_list("pk", "person_id", "person__commune_id", "person__hamlet_id"):
        vsi_by_commune.setdefault(code, []).append((pk, pid, hid))
    for pk, pid, code, hid, hh in HiEnrolment.objects.filter(
        person__commune_id__in=codes,
        start_month__gte=start.replace(day=1),
        start_month__lte=end,
        card_to__isnull=False,
    ).values_list("pk", "person_id", "person__commune_id", "person__hamlet_id", "household_id"):
        hi_by_commune.setdefault(code, []).append((pk, pid, hid, hh))

    return vsi_by_commune, hi_by_commune


def _enrolled_visit(code, scheme, row, cdays, day_members, rng):
    """The visit on one of the commune's launch days that enrolled `row`, and its credit."""
    d = rng.choice(cdays)
    member = rng.choice(day_members[d.group_id])
    v = Visit(
        uuid=uuid.uuid4(),
        day=d,
        commune_id=code,
        member=member,
        person_id=row[1],
        hamlet_id=row[2],
        outcome=Outcome.ENROLLED,
        met_name="",
        new_vsi=scheme == Scheme.VSI,
        new_hi=scheme == Scheme.HI,
        vsi_enrolment_id=row[0] if scheme == Scheme.VSI else None,
        visited_at=timezone.make_aware(
            datetime.combine(d.date, time(rng.randint(7, 17), rng.randint(0, 59)))
        ),
    )
    recruit = Recruitment(
        mobiliser=member.mobiliser,
        person_id=row[1],
        scheme=scheme,
        visit=v,
        on=d.date,
        **({"vsi_enrolment_id": row[0]} if scheme == Scheme.VSI else {"hi_enrolment_id": row[0]}),
    )
    return v, recruit


def _door_visits(code, cdays, day_members, rng) -> list:
    """Door-to-door visits of each launch day that enrolled no one: refused, will enrol, out."""
    visits = []
    for d in cdays:
        for _ in range(rng.randint(4, 9)):
            outcome = rng.choice([Outcome.REFUSED, Outcome.WILL_ENROL, Outcome.NOT_HOME])
            visits.append(
                Visit(
                    uuid=uuid.uuid4(),
                    day=d,
                    commune_id=code,
                    member=rng.choice(day_members[d.group_id]),
                    hamlet=d.hamlet,
                    met_name=f"Hộ {person_name(rng, rng.choice('MF'))}",
                    outcome=outcome,
                    refusal_reason=rng.choice(RefusalReason.values)
                    if outcome == Outcome.REFUSED
                    else "",
                    visited_at=timezone.make_aware(datetime.combine(d.date, time(9, 0))),
                )
            )
    return visits


def _communication(office, communes, campaign, start: date, rng) -> list:
    """Loudspeakers, meetings, the May mobilisation month, a seminar on the law."""
    acts = []
    for c in communes:
        for kind, when, reach, cost in (
            (ActivityKind.LOUDSPEAKER, date(start.year, 5, 2), 3000, 0),
            (ActivityKind.BANNER, date(start.year, 5, 1), 2000, 1_200_000),
            (ActivityKind.MEETING, start + timedelta(days=rng.randint(0, 40)), 120, 500_000),
            (ActivityKind.LEAFLET, start + timedelta(days=rng.randint(0, 60)), 800, 900_000),
            (ActivityKind.SOCIAL, start + timedelta(days=rng.randint(0, 70)), 1500, 0),
        ):
            acts.append(
                CommunicationActivity(
                    office=office,
                    kind=kind,
                    date=when,
                    commune=c,
                    reach=reach,
                    cost=cost,
                    campaign=campaign,
                )
            )
    acts.append(
        CommunicationActivity(
            office=office,
            kind=ActivityKind.SEMINAR,
            date=date(2025, 6, 20),
            commune=communes[0],
            reach=150,
            cost=5_000_000,
            note="Hội thảo Luật BHXH sửa đổi (hiệu lực 01/7/2025)",
        )
    )
    CommunicationActivity.objects.bulk_create(acts)
    return acts
