"""Everything that writes to the registry, in transactions, with the audit log."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ansinh.accounts.audit import audited_save, record
from ansinh.accounts.scope import scope_for

from .models import CompulsoryPeriod, Household, Person, SupportGroup, SupportMembership


def check_can_edit(user, commune_code: str) -> None:
    if not user.edits_registry:
        raise PermissionDenied(_("Your role cannot change the registry."))
    scope = scope_for(user)
    if scope.nothing or (scope.communes is not None and commune_code not in scope.communes):
        raise PermissionDenied(_("This commune is outside your office's area."))


@transaction.atomic
def register_person(
    user,
    person: Person,
    support_group: str = SupportGroup.OTHER,
    household_choice: str = "new",
    household_id: int | None = None,
    on: date | None = None,
) -> Person:
    """Register a person, their household and this year's support group, in one transaction."""
    check_can_edit(user, person.commune_id)
    on = on or date.today()
    if household_choice == "new":
        household = Household(
            commune_id=person.commune_id, hamlet=person.hamlet, address=person.address
        )
        household.save()
        household.code = f"HGD{household.pk:07d}"  # the code needs the row's id
        household.save(update_fields=["code"])
        record(user, household, None)  # one "created" entry, with the code
        person.household, person.household_order = household, 1
    elif household_choice == "existing":
        household = Household.objects.restrict(user).filter(pk=household_id).first()
        if household is None:
            raise ValidationError(
                {"household_id": _("No household %(n)s in your area.") % {"n": household_id}}
            )
        if household.commune_id != person.commune_id:
            raise ValidationError(
                {
                    "household_id": _("Household %(n)s lives in another commune.")
                    % {"n": household_id}
                }
            )
        last = household.members.aggregate(m=Max("household_order"))["m"] or 0
        person.household, person.household_order = household, last + 1
    audited_save(person, user)
    if support_group != SupportGroup.OTHER:
        add_support_group(user, person, support_group, on.year)
    return person


@transaction.atomic
def update_person(user, person: Person) -> Person:
    check_can_edit(user, person.commune_id)
    return audited_save(person, user)


@transaction.atomic
def add_support_group(user, person: Person, group: str, year: int, document: str = ""):
    """Certify a support group for a calendar year (poor and near-poor are certified yearly)."""
    check_can_edit(user, person.commune_id)
    membership = SupportMembership(
        person=person,
        group=group,
        valid_from=date(year, 1, 1),
        valid_to=date(year, 12, 31),
        document=document,
    )
    return audited_save(membership, user)


@transaction.atomic
def add_compulsory_period(user, person: Person, period: CompulsoryPeriod) -> CompulsoryPeriod:
    check_can_edit(user, person.commune_id)
    overlapping = person.compulsory_periods.filter(start__lte=period.end, end__gte=period.start)
    if overlapping.exists():
        raise ValidationError({"start": _("This period overlaps another compulsory period.")})
    period.person = person
    return audited_save(period, user)
