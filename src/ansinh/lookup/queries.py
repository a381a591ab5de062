"""What a participant sees about themselves: read from the same functions as the office's
pages (the outlook, the quotes, the deadlines), never recomputed another way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ansinh.collection.models import CollectionPoint
from ansinh.counselling.outlook import Outlook, person_outlook
from ansinh.enrolment.models import HiEnrolment, HiStatus, VsiEnrolment, VsiStatus
from ansinh.enrolment.queries import contribution_history
from ansinh.enrolment.services import next_unpaid_month, quote_for_person
from ansinh.parameters.table import current_table
from ansinh.rules.hi import hi_quote
from ansinh.rules.months import Month
from ansinh.rules.vsi import LUMP_SUM_METHODS, IncomeOutOfRange, payment_deadline


def masked_name(full_name: str) -> str:
    """Nguyễn Thị Hồng -> Nguyễn T. H.: enough for the person to recognise their own
    record, too little to learn someone else's name from a code and a birth date."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0]] + [w[0].upper() + "." for w in words[1:]])


@dataclass
class VsiPart:
    enrolment: VsiEnrolment
    next_from: date | None = None  # the first month the next payment covers
    next_months: int = 0
    next_amount: int | None = None  # paid by the participant, after the state support
    deadline: Month | None = None  # the last month it is on time


@dataclass
class HiPart:
    enrolment: HiEnrolment
    members: int = 1
    renew_months: int = 12
    renew_amount: int | None = None  # the household's next card period


@dataclass
class PayAt:
    collector: object = None
    organisation: object = None
    point: CollectionPoint | None = None


@dataclass
class Status:
    name: str
    commune: str
    vsi: VsiPart | None
    hi: HiPart | None
    pay_at: PayAt
    outlook: Outlook


def _vsi(person, today: date) -> VsiPart | None:
    enrolment = (
        VsiEnrolment.objects.filter(person=person).order_by("-is_open", "-start_month").first()
    )
    if enrolment is None:
        return None
    part = VsiPart(enrolment)
    if enrolment.status == VsiStatus.STOPPED:
        return part
    part.next_from = next_unpaid_month(enrolment, today)
    part.next_months = enrolment.period_months
    try:  # the same quote as the receipt page
        quote = quote_for_person(
            person,
            enrolment.income,
            today,
            enrolment.period_months,
            enrolment.method,
            enrolment.lump_years,
        )
    except (IncomeOutOfRange, ValueError):
        return part  # the income needs changing: the page says to ask the collector
    part.next_amount = quote.net_total
    method = enrolment.method if enrolment.method in LUMP_SUM_METHODS else int(enrolment.method)
    part.deadline = payment_deadline(method, Month.of(part.next_from), current_table())
    return part


def _hi(person, today: date) -> HiPart | None:
    enrolment = (
        HiEnrolment.objects.filter(person=person)
        .exclude(status=HiStatus.STOPPED)
        .order_by("-start_month")
        .first()
    )
    if enrolment is None:
        return None
    members = (
        HiEnrolment.objects.filter(household_id=enrolment.household_id)
        .exclude(status=HiStatus.STOPPED)
        .count()
    )
    part = HiPart(enrolment, members, enrolment.period_months)
    try:
        part.renew_amount = hi_quote(current_table(), members, today, part.renew_months).total
    except ValueError:
        pass
    return part


def _pay_at(person) -> PayAt:
    collector = person.collector
    if collector is not None:
        point = collector.point or (
            CollectionPoint.objects.filter(
                organisation_id=collector.organisation_id, commune_id=person.commune_id
            ).first()
        )
        return PayAt(collector, collector.organisation, point)
    point = (
        CollectionPoint.objects.filter(commune_id=person.commune_id, organisation__active=True)
        .select_related("organisation")
        .first()
    )
    return PayAt(None, point.organisation if point else None, point)


def participant_status(person, today: date | None = None) -> Status:
    today = today or date.today()
    return Status(
        name=masked_name(person.full_name),
        commune=person.commune.name,
        vsi=_vsi(person, today),
        hi=_hi(person, today),
        pay_at=_pay_at(person),
        outlook=person_outlook(person, contribution_history(person), today),
    )
