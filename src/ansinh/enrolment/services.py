"""Enrolling people and recording receipts: each write is one transaction, audited.

A receipt writes its contribution months and moves the enrolment's paid-through month
in the same transaction, so the timeline, the cycle and the counts always agree.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ansinh.accounts.audit import audited_save
from ansinh.common.rule_errors import amount_mismatch, income_error, payback_error, quote_error
from ansinh.common.text import add_months, shift_date
from ansinh.parameters.table import current_table
from ansinh.registry.models import Household, Person
from ansinh.registry.queries import groups_on
from ansinh.registry.services import check_can_edit
from ansinh.rules.errors import InputError
from ansinh.rules.hi import card_validity_start, hi_quote, household_quote
from ansinh.rules.months import Month
from ansinh.rules.pension import missing_years
from ansinh.rules.vsi import (
    LUMP_SUM_METHODS,
    MODES,
    IncomeOutOfRange,
    check_income,
    vsi_method_quote,
)

from .ledger import split_total
from .models import (
    ContributionMonth,
    HiEnrolment,
    HiStatus,
    PaymentMethod,
    Receipt,
    Scheme,
    VsiEnrolment,
    VsiStatus,
)
from .queries import hi_card_end
from .signals import enrolled, vsi_paid


def support_months_used(person: Person) -> int:
    return ContributionMonth.objects.filter(person=person, support__gt=0).count()


def quote_for_person(
    person: Person, income: int, on: date, months: int, method: str = "", years: int = 0
):
    """The VSI quote for a person: their support groups on the date, their province's top-ups.

    `method` "advance" or "missing" prices the lump sums for `years` years, "payback" the
    missed months with interest; any other value prices `months` months (quote_mode).
    """
    return vsi_method_quote(
        current_table(),
        income,
        groups_on(person, on),
        on,
        method=quote_mode(method, months),
        years=years,
        months=months,
        province=person.commune.province_id,
        support_months_used=support_months_used(person),
    )


def quote_mode(method: str, months: int) -> str:
    """The rules' payment mode for `months` paid under an enrolment's `method`: the lump sums
    and the payback as they are; 3/6/12 when the months are whole periods of it; else months
    paid one by one ("1")."""
    if method in LUMP_SUM_METHODS or method == "payback":
        return method
    if method in ("3", "6", "12") and months % int(method) == 0:
        return method
    return "1"


class ModeError(ValueError):
    """A receipt's payment mode does not fit the enrolment (message for the field "mode")."""


def payback_allowed(on: date) -> bool:
    return bool(current_table().value_or("vsi.missed_months_payback", on, False))


def receipt_mode(method: str, status: str, first: date, paid_on: date, months: int, given=""):
    """The payment mode a VSI receipt is priced with (the one rule for the receipt form, the
    import and the API), or ModeError saying why the `given` mode does not fit.

    A suspended enrolment whose next month to pay is before the month of payment is paying
    back missed months: next_unpaid_month offers those only where the table's (UNCONFIRMED)
    switch allows it, and they are priced with interest ("payback"), at most up to the month
    before the payment. A lump-sum enrolment pays its lump sum; any other enrolment pays its
    3/6/12 months, or months one by one.
    """
    given = (given or "").strip().lower()
    if given and given not in MODES:
        raise ModeError(
            _("Unknown payment mode %(m)s; use one of %(all)s.")
            % {"m": given, "all": ", ".join(MODES)}
        )
    missed = Month.of(paid_on) - Month.of(first)
    if status == VsiStatus.SUSPENDED and missed > 0:
        if given and given != "payback":
            raise ModeError(
                _(
                    "%(m)s is a missed month: missed months are paid back with interest "
                    "(mode payback)."
                )
                % {"m": first.strftime("%m/%Y")}
            )
        if months > missed:
            raise ModeError(
                _(
                    "A pay-back covers at most the %(n)s missed months from %(m)s; pay the "
                    "months from %(now)s on another receipt."
                )
                % {"n": missed, "m": first.strftime("%m/%Y"), "now": paid_on.strftime("%m/%Y")}
            )
        return "payback"
    if given == "payback":
        if not payback_allowed(paid_on):
            raise ModeError(payback_error(paid_on))
        raise ModeError(
            _("There are no missed months to pay back: the next month to pay is %(m)s.")
            % {"m": first.strftime("%m/%Y")}
        )
    if method in LUMP_SUM_METHODS:
        if given and given != method:
            raise ModeError(
                _("This enrolment pays a lump sum; the receipt's mode must be %(m)s.")
                % {"m": method}
            )
        return method
    if given in LUMP_SUM_METHODS:
        raise ModeError(
            _("A lump sum needs an enrolment with that payment method; this one pays by months.")
        )
    mode = given or quote_mode(method, months)
    if months % int(mode):
        raise ModeError(
            _("A payment every %(p)s months covers a multiple of %(p)s months, not %(n)s.")
            % {"p": mode, "n": months}
        )
    return mode


def _check_in_scope(user, person: Person) -> None:
    if not Person.objects.restrict(user).filter(pk=person.pk).exists():
        raise PermissionDenied(_("This person is outside your area."))


@transaction.atomic
def enrol_vsi(
    user, person: Person, income: int, method: str, start: date, lump_years: int = 0
) -> VsiEnrolment:
    check_can_edit(user, person.commune_id)
    start = start.replace(day=1)
    try:
        check_income(current_table(), income, start)
    except IncomeOutOfRange as exc:
        raise ValidationError({"income": income_error(exc)})
    if VsiEnrolment.objects.open().filter(person=person).exists():
        raise ValidationError(
            _("%(name)s already has an open voluntary social insurance enrolment.")
            % {"name": person.full_name}
        )
    if method == PaymentMethod.MISSING_YEARS:
        _check_missing_years(person, start, lump_years)
    enrolment = VsiEnrolment(
        person=person,
        start_month=start,
        income=income,
        method=method,
        lump_years=lump_years
        if method in (PaymentMethod.ADVANCE, PaymentMethod.MISSING_YEARS)
        else 0,
        status_since=start,
        created_by=user,
    )
    enrolment = audited_save(enrolment, user)
    _announce(enrolment, user)
    return enrolment


def _check_missing_years(person: Person, start: date, lump_years: int) -> None:
    """The lump sum for missing years: at retirement age, a few years short, and no more years
    than are missing (rules.pension.missing_years, on the person's whole record)."""
    from .queries import contribution_history

    history = [c for c in contribution_history(person) if c.month < Month.of(start)]
    try:
        years = missing_years(
            current_table(), person.sex, Month.of(person.birth_date), history, Month.of(start)
        )
    except InputError as exc:
        raise ValidationError({"method": quote_error(exc)}) from None
    if lump_years > years:
        raise ValidationError(
            {
                "lump_years": _(
                    "%(name)s is missing %(n)s years of contributions; the lump sum covers "
                    "at most those %(n)s years."
                )
                % {"name": person.full_name, "n": years}
            }
        )


def _announce(enrolment, user) -> None:
    """Send `signals.enrolled` after the outermost transaction commits (never for a
    rolled-back enrolment); a failing receiver is logged, the enrolment stands."""
    transaction.on_commit(
        lambda: enrolled.send(type(enrolment), enrolment=enrolment, user=user), robust=True
    )


@transaction.atomic
def enrol_hi(user, household: Household, persons: list[Person], period_months: int, start: date):
    """Enrol household members in health insurance, numbered in the household's ladder order."""
    check_can_edit(user, household.commune_id)
    allowed = str(current_table().value("hi.periods", start)).split(",")
    if str(period_months) not in allowed:
        raise ValidationError(
            {
                "period_months": _("A card period is %(allowed)s months.")
                % {"allowed": "/".join(allowed)}
            }
        )
    open_members = HiEnrolment.objects.filter(household=household).exclude(status=HiStatus.STOPPED)
    order = open_members.count()
    created = []
    for person in persons:
        if person.household_id != household.pk:
            raise ValidationError(
                _("%(name)s is not in this household.") % {"name": person.full_name}
            )
        if open_members.filter(person=person).exists():
            raise ValidationError(
                _("%(name)s is already enrolled in household health insurance.")
                % {"name": person.full_name}
            )
        order += 1
        enrolment = HiEnrolment(
            person=person,
            household=household,
            member_order=order,
            period_months=period_months,
            start_month=start.replace(day=1),
        )
        created.append(audited_save(enrolment, user))
        _announce(enrolment, user)
    return created


def next_unpaid_month(enrolment: VsiEnrolment, paid_on: date | None = None) -> date:
    """The first month a new receipt covers.

    After a suspension the participant re-registers and pays from the month of payment,
    unless the law's table allows missed months to be paid back (UNCONFIRMED switch).
    """
    if enrolment.paid_through is None:
        return enrolment.start_month
    following = add_months(enrolment.paid_through, 1)
    if enrolment.status == VsiStatus.SUSPENDED and paid_on is not None:
        payback = current_table().value_or("vsi.missed_months_payback", paid_on, False)
        if not payback:
            return max(following, paid_on.replace(day=1))
    return following


@dataclass
class ReceiptInput:
    number: str
    paid_on: date
    months: int
    amount: int | None = None  # when given (imports), it must match the quote
    collector_id: int | None = None
    organisation_id: int | None = None
    source: str = "manual"
    mode: str = ""  # the payment mode (rules.vsi.MODES); empty: from the enrolment


@transaction.atomic
def record_vsi_receipt(user, enrolment: VsiEnrolment, data: ReceiptInput) -> Receipt:
    """Record a VSI payment: the receipt, its months, and the new paid-through month."""
    enrolment = (
        VsiEnrolment.objects.select_for_update()
        .select_related("person__commune")
        .get(pk=enrolment.pk)
    )
    person = enrolment.person
    _check_in_scope(user, person)
    if not user.records_receipts:
        raise PermissionDenied(_("Your role cannot record receipts."))
    _check_receipt_basics(data)
    if enrolment.status == VsiStatus.STOPPED:
        raise ValidationError(_("This enrolment is stopped; register the person again."))
    first = next_unpaid_month(enrolment, data.paid_on)
    try:
        mode = receipt_mode(
            enrolment.method, enrolment.status, first, data.paid_on, data.months, data.mode
        )
    except ModeError as exc:
        raise ValidationError({"mode": str(exc)})
    try:
        if mode in LUMP_SUM_METHODS and data.months != enrolment.period_months:
            raise ValidationError(
                {"months": _("A lump sum covers %(n)s months.") % {"n": enrolment.period_months}}
            )
        quote = quote_for_person(
            person, enrolment.income, data.paid_on, data.months, mode, enrolment.lump_years
        )
    except IncomeOutOfRange as exc:
        raise ValidationError({"income": income_error(exc)})
    if data.amount is not None and data.amount != quote.net_total:
        raise ValidationError(
            {
                "amount": amount_mismatch(data.amount, quote.net_total, data.months),
            }
        )
    collector_id = data.collector_id or person.collector_id
    receipt = Receipt(
        number=data.number,
        scheme=Scheme.VSI,
        person=person,
        vsi_enrolment=enrolment,
        paid_on=data.paid_on,
        from_month=first,
        months=data.months,
        income=enrolment.income,
        gross=quote.gross_total,
        support=quote.support_total,
        amount=quote.net_total,
        collector_id=collector_id,
        organisation_id=data.organisation_id or _organisation_of(collector_id),
        source=data.source,
        recorded_by=user if user.pk else None,
    )
    audited_save(receipt, user)
    gross = split_total(quote.gross_total, data.months)
    supported = split_total(quote.support_total, quote.supported_months)
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            person=person,
            enrolment=enrolment,
            receipt=receipt,
            month=add_months(first, i),
            income=enrolment.income,
            gross=gross[i],
            support=supported[i] if i < len(supported) else 0,
        )
        for i in range(data.months)
    )
    enrolment.paid_through = add_months(first, data.months - 1)
    if enrolment.status == VsiStatus.SUSPENDED:
        enrolment.status, enrolment.status_since = VsiStatus.ACTIVE, data.paid_on
    audited_save(enrolment, user)
    # Follow-up visits for this person resolve themselves once the overdue month is paid.
    vsi_paid.send(sender=VsiEnrolment, enrolment_ids=[enrolment.pk], on=data.paid_on)
    return receipt


@transaction.atomic
def record_hi_receipt(user, household: Household, data: ReceiptInput) -> Receipt:
    """Record a household's HI payment: one receipt, every open member's card extended."""
    members = list(
        HiEnrolment.objects.select_for_update()
        .filter(household=household)
        .exclude(status=HiStatus.STOPPED)
        .select_related("person")
        .order_by("member_order")
    )
    if not members:
        raise ValidationError(_("Nobody in this household is enrolled in health insurance."))
    for member in members:
        _check_in_scope(user, member.person)
    if not user.records_receipts:
        raise PermissionDenied(_("Your role cannot record receipts."))
    _check_receipt_basics(data)
    card_end = hi_card_end(members, data.paid_on)
    joining = [m for m in members if m.card_to is None]
    if card_end and joining:
        return _record_hi_joining(user, household, members, joining, card_end, data)
    try:
        quote = hi_quote(current_table(), len(members), data.paid_on, data.months)
    except InputError as exc:
        raise ValidationError({"months": quote_error(exc)})
    _check_hi_amount(data.amount, quote.total)
    receipt = _save_hi_receipt(user, household, members, data, quote.total, data.months)
    for member in members:
        start = card_validity_start(data.paid_on, member.card_to, current_table())
        member.card_from = start
        member.card_to = shift_date(start, data.months) - timedelta(days=1)
        member.status = HiStatus.ACTIVE
        audited_save(member, user)
    return receipt


def _save_hi_receipt(user, household, members, data, total: int, months: int, paying=None):
    """A household's HI receipt: paid by its first member, for `paying` members (all of
    `members` by default), credited to the collector and their organisation."""
    payer = members[0].person
    collector_id = data.collector_id or payer.collector_id
    receipt = Receipt(
        number=data.number,
        scheme=Scheme.HI,
        person=payer,
        household=household,
        paid_on=data.paid_on,
        from_month=data.paid_on.replace(day=1),
        months=months,
        members=len(members) if paying is None else paying,
        gross=total,
        amount=total,
        collector_id=collector_id,
        organisation_id=data.organisation_id or _organisation_of(collector_id),
        source=data.source,
        recorded_by=user if user.pk else None,
    )
    audited_save(receipt, user)
    return receipt


def _check_hi_amount(amount: int | None, due: int) -> None:
    """A household receipt's amount, when given, is the amount due."""
    if amount is not None and amount != due:
        raise ValidationError(
            {
                "amount": amount_mismatch(amount, due),
            }
        )


def _record_hi_joining(user, household, members, joining, card_end, data) -> Receipt:
    """Members joining a household whose card is running: each pays their own months at their
    rank after the members already enrolled, and their card ends with the household's."""
    held = len(members) - len(joining)
    try:
        quote = household_quote(
            current_table(), [data.paid_on] * len(joining), card_end=card_end, enrolled=held
        )
    except InputError as exc:
        raise ValidationError({"paid_on": quote_error(exc)})
    _check_hi_amount(data.amount, quote.total)
    months = quote.members[0].months
    receipt = _save_hi_receipt(user, household, members, data, quote.total, months, len(joining))
    for member in joining:
        member.card_from = min(card_validity_start(data.paid_on, None, current_table()), card_end)
        member.card_to = card_end
        member.status = HiStatus.ACTIVE
        audited_save(member, user)
    return receipt


def _check_receipt_basics(data: ReceiptInput) -> None:
    errors = {}
    number = (data.number or "").strip()
    if not number:
        errors["number"] = _("A receipt number is required.")
    elif Receipt.objects.filter(number=number).exists():
        errors["number"] = _("Receipt number %(n)s is already recorded.") % {"n": number}
    if data.paid_on > date.today():
        errors["paid_on"] = _("The payment date is in the future.")
    if data.months < 1 or data.months > 60:
        errors["months"] = _("A receipt covers 1 to 60 months.")
    if errors:
        raise ValidationError(errors)
    data.number = number


def _organisation_of(collector_id):
    if not collector_id:
        return None
    collectors = Receipt._meta.get_field("collector").related_model._default_manager
    return collectors.filter(pk=collector_id).values_list("organisation_id", flat=True).first()


def this_month() -> Month:
    return Month.of(date.today())
