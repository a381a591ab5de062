"""Campaign writes: each in one transaction; enrolments go through the enrolment services
(audited there), and nothing is half-written when a rule refuses."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh.accounts.audit import audited_save
from ansinh.accounts.scope import scope_for
from ansinh.collection.models import Collector
from ansinh.common.text import fold
from ansinh.enrolment import services as enrolment
from ansinh.enrolment.models import HiEnrolment, HiStatus, PaymentMethod, VsiEnrolment
from ansinh.places.models import Hamlet
from ansinh.registry.models import Person
from ansinh.targets.queries import office_communes, visible_offices

from .choices import MIN_GROUP_SIZE, ActivityKind, MemberRole, Outcome, RefusalReason, Scheme
from .models import (
    Campaign,
    CommunicationActivity,
    Group,
    GroupMember,
    LaunchDay,
    Mobiliser,
    Recruitment,
    Visit,
)


def can_organise(user) -> bool:
    return user.edits_registry


def _check_office(user, office):
    if not can_organise(user):
        raise PermissionDenied(_("Your role cannot organise campaigns."))
    if not visible_offices(user).filter(pk=office.pk).exists():
        raise PermissionDenied(_("This office is outside your area."))


@transaction.atomic
def create_campaign(user, office, name: str, start: date, end: date, communes) -> Campaign:
    _check_office(user, office)
    if end < start:
        raise ValidationError({"end": _("The campaign ends before it starts.")})
    allowed = {c.code for c in office_communes(office, start)} | {
        c.code for c in office_communes(office, end)
    }
    communes = list(communes)
    if not communes:
        raise ValidationError({"communes": _("Choose at least one commune.")})
    outside = [c for c in communes if c.code not in allowed]
    if outside:
        raise ValidationError(
            {"communes": _("%(name)s is not served by this office.") % {"name": outside[0].name}}
        )
    campaign = audited_save(
        Campaign(office=office, name=name.strip(), start=start, end=end, created_by=user), user
    )
    campaign.communes.set(communes)
    return campaign


@dataclass
class MemberInput:
    full_name: str
    role: str
    phone: str = ""
    is_leader: bool = False
    collector_id: int | None = None


def _mobiliser(office, m: MemberInput) -> Mobiliser:
    phone = "".join(ch for ch in m.phone if ch.isdigit())
    collector = None
    if m.collector_id:
        collector = Collector.objects.filter(pk=m.collector_id, organisation__office=office).first()
    elif phone:
        collector = Collector.objects.filter(phone=phone, organisation__office=office).first()
    found = None
    if collector:
        found = Mobiliser.objects.filter(office=office, collector=collector).first()
    if found is None and phone:
        found = Mobiliser.objects.filter(office=office, phone=phone).first()
    if found is None and not phone and not collector:
        found = Mobiliser.objects.filter(
            office=office, phone="", name_folded=fold(m.full_name)
        ).first()
    if found is None:
        found = Mobiliser(office=office, phone=phone)
    found.full_name, found.role = m.full_name.strip(), m.role
    if collector and found.collector_id is None:
        found.collector = collector
    found.save()
    return found


@transaction.atomic
def create_group(user, campaign: Campaign, commune, name: str, members: list[MemberInput]) -> Group:
    """A group of at least five, one leader, in one of the campaign's communes."""
    _check_office(user, campaign.office)
    members = [m for m in members if m.full_name.strip()]
    errors = []
    if len(members) < MIN_GROUP_SIZE:
        errors.append(
            _("A group needs at least %(min)s members; %(n)s given.")
            % {"min": MIN_GROUP_SIZE, "n": len(members)}
        )
    leaders = [m for m in members if m.is_leader]
    if len(leaders) != 1:
        errors.append(_("Choose exactly one leader."))
    if not campaign.communes.filter(pk=commune.pk).exists():
        errors.append(_("%(name)s is not in this campaign.") % {"name": commune.name})
    roles = {r.value for r in MemberRole}
    if any(m.role not in roles for m in members):
        errors.append(_("Give each member a role."))
    if errors:
        raise ValidationError(errors)
    group = Group.objects.create(campaign=campaign, commune=commune, name=name.strip())
    seen = set()
    for m in members:
        mobiliser = _mobiliser(campaign.office, m)
        if mobiliser.pk in seen:
            raise ValidationError(_("%(name)s is listed twice.") % {"name": m.full_name})
        seen.add(mobiliser.pk)
        GroupMember.objects.create(
            group=group, mobiliser=mobiliser, role=m.role, is_leader=m.is_leader
        )
    return group


@transaction.atomic
def add_launch_day(
    user, group: Group, day: date, place: str, target_vsi: int, target_hi: int, hamlet=None
) -> LaunchDay:
    campaign = group.campaign
    _check_office(user, campaign.office)
    errors = {}
    if not campaign.start <= day <= campaign.end:
        errors["date"] = _("%(d)s is outside the campaign (%(a)s to %(b)s).") % {
            "d": day.strftime("%d/%m/%Y"),
            "a": campaign.start.strftime("%d/%m/%Y"),
            "b": campaign.end.strftime("%d/%m/%Y"),
        }
    if hamlet is not None and hamlet.commune_id != group.commune_id:
        errors["hamlet"] = _("This hamlet is not in %(c)s.") % {"c": group.commune.name}
    if not (place or "").strip():
        errors["place"] = _("Give the meeting place.")
    if errors:
        raise ValidationError(errors)
    return LaunchDay.objects.create(
        group=group,
        date=day,
        hamlet=hamlet,
        place=place.strip(),
        target_vsi=target_vsi or 0,
        target_hi=target_hi or 0,
    )


@transaction.atomic
def save_lessons(user, day: LaunchDay, lessons: str) -> LaunchDay:
    _check_office(user, day.group.campaign.office)
    day.lessons = lessons.strip()
    day.save(update_fields=["lessons"])
    return day


def _int(value, default=0):
    try:
        return int(str(value).replace(".", "").replace(",", "").strip())
    except (TypeError, ValueError):
        return default


def _when(value) -> datetime:
    if not value:
        return timezone.now()
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return timezone.now()
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def log_visit(user, data: dict) -> tuple[Visit, bool]:
    """Record a visit from the phone. Returns (visit, created).

    The phone makes the UUID; a visit already recorded under it (the same form sent again
    when the signal came back) is returned unchanged, with created=False ("merged").
    Enrolling on the spot happens in the same transaction: if the enrolment is refused,
    no visit is written either.
    """
    try:
        key = uuidlib.UUID(str(data.get("uuid")))
    except (TypeError, ValueError):
        raise ValidationError(_("The visit has no valid identifier."))
    existing = _sent_before(user, key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _create_visit(user, key, data), True
    except IntegrityError:
        existing = _sent_before(user, key)
        if existing is None:
            raise
        return existing, False


def _sent_before(user, key) -> Visit | None:
    """The visit already recorded under this UUID, if the user may see its launch day."""
    existing = Visit.objects.filter(uuid=key).first()
    if (
        existing is not None
        and not LaunchDay.objects.restrict(user).filter(pk=existing.day_id).exists()
    ):
        raise PermissionDenied(_("This launch day is outside your area."))
    return existing


def _create_visit(user, key, data: dict) -> Visit:
    """A visit from the phone's form, checked field by field in the form's order, and the
    enrolments made on the spot (with their recruitment credited to the member)."""
    day = _visit_day(user, data)
    group = day.group
    member = group.members.filter(pk=_int(data.get("member"))).first()
    if member is None:
        raise ValidationError({"member": _("Choose the group member who made the visit.")})
    outcome, reason = _visit_outcome(data)
    person, met = _visit_person(user, group, data)
    want_vsi, want_hi = _wanted_enrolments(outcome, person, data)
    when = _when(data.get("visited_at"))
    hamlet = None
    if data.get("hamlet"):
        hamlet = Hamlet.objects.filter(pk=_int(data.get("hamlet")), commune=group.commune).first()
    visit = Visit(
        uuid=key,
        day=day,
        commune=group.commune,
        member=member,
        person=person,
        household=person.household if person else None,
        met_name=met or str(person),
        hamlet=hamlet or (person.hamlet if person else None) or day.hamlet,
        outcome=outcome,
        refusal_reason=reason,
        note=(data.get("note") or "").strip(),
        visited_at=when,
        recorded_by=user,
        new_vsi=want_vsi,
        new_hi=want_hi,
    )
    recruits = _enrol_on_the_spot(user, visit, member, data, timezone.localdate(when))
    visit.save()
    for r in recruits:
        r.visit = visit
    Recruitment.objects.bulk_create(recruits)
    return visit


def _visit_day(user, data: dict) -> LaunchDay:
    day = (
        LaunchDay.objects.restrict(user)
        .select_related("group__campaign")
        .filter(pk=_int(data.get("day")))
        .first()
    )
    if day is None:
        raise PermissionDenied(_("This launch day is outside your area."))
    return day


def _visit_outcome(data: dict) -> tuple[str, str]:
    """The outcome, and the reason for refusing (only when refused)."""
    outcome = data.get("outcome") or ""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    reason = data.get("refusal_reason") or ""
    if outcome == Outcome.REFUSED and reason not in RefusalReason.values:
        raise ValidationError({"refusal_reason": _("Give the reason for refusing.")})
    return outcome, reason if outcome == Outcome.REFUSED else ""


def _visit_person(user, group, data: dict) -> tuple[Person | None, str]:
    """Who was met: a registered person of the group's commune (in the user's scope), or a
    name typed in."""
    person = None
    if data.get("person"):
        person = Person.objects.restrict(user).filter(pk=_int(data.get("person"))).first()
        if person is None or person.commune_id != group.commune_id:
            raise ValidationError({"person": _("This person is not in the group's commune.")})
    met = (data.get("met_name") or "").strip()
    if person is None and not met:
        raise ValidationError({"met_name": _("Choose a registered person or type who was met.")})
    return person, met


def _wanted_enrolments(outcome: str, person, data: dict) -> tuple[bool, bool]:
    """(VSI, HI): what an enrolled person enrolled in on the spot."""
    want_vsi = outcome == Outcome.ENROLLED and _truthy(data.get("enrol_vsi"))
    want_hi = outcome == Outcome.ENROLLED and _truthy(data.get("enrol_hi"))
    if outcome == Outcome.ENROLLED and not (want_vsi or want_hi):
        raise ValidationError({"outcome": _("Tick what the person enrolled in.")})
    if (want_vsi or want_hi) and person is None:
        raise ValidationError({"person": _("To enrol on the spot, choose the registered person.")})
    return want_vsi, want_hi


def _enrol_on_the_spot(user, visit: Visit, member, data: dict, on: date) -> list[Recruitment]:
    """The visit's enrolments (VSI, HI) and the recruitments crediting the member."""
    person = visit.person
    recruits = []
    if visit.new_vsi:
        method = str(data.get("method") or PaymentMethod.MONTHLY)
        vsi = enrolment.enrol_vsi(user, person, _int(data.get("income")), method, on)
        visit.vsi_enrolment = vsi
        recruits.append(
            Recruitment(
                mobiliser=member.mobiliser,
                person=person,
                scheme=Scheme.VSI,
                vsi_enrolment=vsi,
                on=on,
            )
        )
    if visit.new_hi:
        if person.household is None:
            raise ValidationError({"person": _("This person has no household for HI.")})
        (hi,) = enrolment.enrol_hi(user, person.household, [person], 12, on)
        recruits.append(
            Recruitment(
                mobiliser=member.mobiliser, person=person, scheme=Scheme.HI, hi_enrolment=hi, on=on
            )
        )
    return recruits


def _truthy(value) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


@transaction.atomic
def credit_collectors(user, office, start: date, end: date) -> int:
    """Credit enrolments that came in without a visit to the person's collector.

    Set-based: one query for the uncredited enrolments of the period, one bulk insert.
    """
    from django.db.models import Exists, OuterRef

    _check_office(user, office)
    communes = [c.code for c in office_communes(office, end)]
    mobilisers = {}
    created = []
    for model, scheme, field in (
        (VsiEnrolment, Scheme.VSI, "vsi_enrolment"),
        (HiEnrolment, Scheme.HI, "hi_enrolment"),
    ):
        credited = Recruitment.objects.filter(**{field: OuterRef("pk")})
        rows = (
            model.objects.restrict(user)
            .filter(
                person__commune_id__in=communes,
                start_month__gte=start.replace(day=1),
                start_month__lte=end,
                person__collector__isnull=False,
            )
            .exclude(status=HiStatus.STOPPED if model is HiEnrolment else "stopped")
            .filter(~Exists(credited))
            .values_list("pk", "person_id", "person__collector_id", "start_month")
        )
        for pk, person_id, collector_id, start_month in rows:
            if collector_id not in mobilisers:
                mobilisers[collector_id] = _collector_mobiliser(office, collector_id)
            created.append(
                Recruitment(
                    mobiliser=mobilisers[collector_id],
                    person_id=person_id,
                    scheme=scheme,
                    on=start_month,
                    **{f"{field}_id": pk},
                )
            )
    Recruitment.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


@transaction.atomic
def credit_enrolment(enrolment) -> Recruitment | None:
    """Credit one new enrolment to the person's collector, unless someone is credited
    already (a campaign visit that enrolled the person writes its own row first).

    Connected to `ansinh.enrolment.signals.enrolled` (apps.py): every enrolment made in
    the app (enrol pages, visits, imports) reaches the leaderboard; `credit_collectors`
    remains for enrolments written in bulk (the demo, data migrations).
    """
    field = "vsi_enrolment" if isinstance(enrolment, VsiEnrolment) else "hi_enrolment"
    if Recruitment.objects.filter(**{field: enrolment}).exists():
        return None
    person = Person.objects.select_related("collector__organisation").get(pk=enrolment.person_id)
    collector = person.collector
    if collector is None:
        return None
    recruitment = Recruitment(
        mobiliser=_collector_mobiliser(collector.organisation.office, collector.pk),
        person=person,
        scheme=Scheme.VSI if field == "vsi_enrolment" else Scheme.HI,
        on=enrolment.start_month,
        **{field: enrolment},
    )
    Recruitment.objects.bulk_create([recruitment], ignore_conflicts=True)
    return recruitment


def _on_enrolled(sender, enrolment, **kwargs) -> None:
    credit_enrolment(enrolment)


def _collector_mobiliser(office, collector_id) -> Mobiliser:
    collector = Collector.objects.select_related("organisation").get(pk=collector_id)
    found = Mobiliser.objects.filter(office=office, collector=collector).first()
    if found:
        return found
    role = {"post": MemberRole.POST, "viettel": MemberRole.VIETTEL}.get(
        collector.organisation.kind, MemberRole.COLLABORATOR
    )
    return Mobiliser.objects.create(
        office=office,
        collector=collector,
        full_name=collector.full_name,
        role=role,
        phone=""
        if Mobiliser.objects.filter(office=office, phone=collector.phone).exists()
        else collector.phone,
    )


@transaction.atomic
def record_activity(
    user, office, *, kind, date, commune, reach=0, cost=0, campaign=None, note=""
) -> CommunicationActivity:
    _check_office(user, office)
    errors = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("Choose the kind of activity.")
    scope = scope_for(user)
    if commune is None or (scope.communes is not None and commune.code not in scope.communes):
        errors["commune"] = _("This commune is outside your area.")
    if campaign is not None and campaign.office_id != office.pk:
        errors["campaign"] = _("This campaign belongs to another office.")
    if errors:
        raise ValidationError(errors)
    return CommunicationActivity.objects.create(
        office=office,
        kind=kind,
        date=date,
        commune=commune,
        reach=reach or 0,
        cost=cost or 0,
        campaign=campaign,
        note=note,
        created_by=user,
    )
