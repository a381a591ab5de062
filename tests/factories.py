"""Small, explicit test data: one base office with two communes, one user per role."""

from datetime import date
from itertools import count

from ansinh.accounts.models import Role, User
from ansinh.collection.models import Collector, Organisation
from ansinh.enrolment.models import VsiEnrolment
from ansinh.places.models import Hamlet, Office, OfficeArea, OfficeName
from ansinh.registry.models import Household, Person
from ansinh.rules.identity import make_cccd

HOA_LONG, LAI_VUNG, PHONG_HOA = "30208", "30226", "30235"
_seq = count(1)


class Office_:
    pass


def make_office():
    o = Office_()
    o.office = Office.objects.create(code=f"T{next(_seq)}", kind=Office.Kind.BASE, province_id="82")
    OfficeName.objects.create(
        office=o.office, name="BHXH huyện Lai Vung", valid_from=date(2015, 1, 1)
    )
    OfficeName.objects.create(
        office=o.office, name="BHXH cơ sở Hòa Long", valid_from=date(2025, 7, 1)
    )
    for code in (HOA_LONG, LAI_VUNG):
        OfficeArea.objects.create(office=o.office, commune_id=code, valid_from=date(2015, 1, 1))
    o.hamlet = Hamlet.objects.create(commune_id=HOA_LONG, name="Ấp Long Hưng A")
    o.hamlet2 = Hamlet.objects.create(commune_id=LAI_VUNG, name="Ấp Hòa Lợi")
    o.post = Organisation.objects.create(
        code=f"BD{next(_seq)}", name="Bưu điện Lai Vung", kind="post", office=o.office
    )
    o.viettel = Organisation.objects.create(
        code=f"VT{next(_seq)}", name="Viettel Lai Vung", kind="viettel", office=o.office
    )
    o.collector = Collector.objects.create(
        organisation=o.post, code=f"C{next(_seq)}", full_name="Trần Văn Thu", commune_id=HOA_LONG
    )
    o.other_collector = Collector.objects.create(
        organisation=o.viettel,
        code=f"C{next(_seq)}",
        full_name="Lê Thị Viettel",
        commune_id=LAI_VUNG,
    )
    return o


def make_users(o) -> dict[str, User]:
    def user(name, role, **kw):
        u = User(username=name, role=role, full_name=name.title(), **kw)
        u.set_password("pw")
        u.save()
        return u

    return {
        "admin": user("admin", Role.PROVINCIAL_ADMIN, province_id="82", is_staff=True),
        "manager": user("manager", Role.OFFICE_MANAGER, office=o.office),
        "official": user("official", Role.OFFICIAL, office=o.office),
        "postmgr": user("postmgr", Role.ORGANISATION_MANAGER, organisation=o.post),
        "collector": user("collector", Role.COLLECTOR, collector=o.collector),
        "leader": user("leader", Role.COMMUNE_LEADER, commune_id=HOA_LONG),
    }


def make_person(o, name="Nguyễn Thị Hồng", commune=HOA_LONG, collector=None, **kw) -> Person:
    n = next(_seq)
    household = kw.pop("household", None) or Household.objects.create(
        commune_id=commune, code=f"H{n}"
    )
    defaults = dict(
        birth_date=date(1975, 5, 10),
        sex="F",
        si_code=f"87{n:08d}",
        phone=f"09{n:08d}",
        hamlet=o.hamlet if commune == HOA_LONG else o.hamlet2,
    )
    defaults.update(kw)
    # A CCCD that agrees with the birth year and sex (ansinh.rules.identity.check_cccd).
    defaults.setdefault(
        "cccd", make_cccd("087", defaults["birth_date"].year, defaults["sex"], n % 10**6)
    )
    return Person.objects.create(
        full_name=name, commune_id=commune, household=household, collector=collector, **defaults
    )


def enrol(
    office,
    name,
    *,
    paid_through,
    method="1",
    income=2_000_000,
    collector=None,
    commune=None,
    start=date(2024, 1, 1),
    status="active",
    **kw,
):
    """A person of the office enrolled in VSI, paid through `paid_through`."""
    person = make_person(
        office,
        name,
        collector=collector or office.collector,
        **({"commune": commune} if commune else {}),
        **kw,
    )
    return VsiEnrolment.objects.create(
        person=person,
        start_month=start,
        income=income,
        method=method,
        paid_through=paid_through,
        status=status,
        status_since=start,
    )


def supported_history(e, months, group="poor", first=date(2018, 1, 1)):
    """`months` supported months recorded for e's person from `first` (support began in
    01/2018), in one old receipt; with `group`, the person is in it from 01/2018."""
    from ansinh.registry.models import SupportMembership

    if group:
        SupportMembership.objects.create(person=e.person, group=group, valid_from=date(2018, 1, 1))
    record_receipt(e, f"H-{e.pk}", first, months, first.replace(day=5), support=10)


def record_receipt(e, number, first, months, paid_on, support=0):
    """One VSI receipt for e of `months` months from `first`, paid on `paid_on`, and its
    contribution months (100 dong gross each, `support` of it the state's)."""
    from ansinh.common.text import add_months
    from ansinh.enrolment.models import ContributionMonth, Receipt

    r = Receipt.objects.create(
        number=number,
        scheme="vsi",
        person=e.person,
        vsi_enrolment=e,
        paid_on=paid_on,
        from_month=first,
        months=months,
        gross=months * 100,
        support=months * support,
        amount=months * (100 - support),
    )
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            person=e.person,
            enrolment=e,
            receipt=r,
            month=add_months(first, i),
            income=e.income,
            gross=100,
            support=support,
        )
        for i in range(months)
    )
    return r
