"""Review: scope holds on the paths the first scope tests did not walk: an office that once
served a commune, targets and campaigns of another office, the dashboard's on-time rate."""

from datetime import date

import pytest
from django.urls import reverse

# -- an office that once served (or shares) a commune is not the user's office ------------


@pytest.fixture
def neighbour(office, users):
    """Phong Hòa's office, which served Hòa Long from 2010 to 2014, and its target."""
    from ansinh.places.models import Office, OfficeArea
    from ansinh.targets import services
    from ansinh.targets.choices import Metric
    from tests.factories import HOA_LONG, PHONG_HOA

    other = Office.objects.create(code="NEIGHBOUR", kind=Office.Kind.BASE, province_id="82")
    OfficeArea.objects.create(office=other, commune_id=PHONG_HOA, valid_from=date(2015, 1, 1))
    OfficeArea.objects.create(
        office=other, commune_id=HOA_LONG, valid_from=date(2010, 1, 1), valid_to=date(2014, 12, 31)
    )
    target = services.set_target(users["admin"], other, date.today().year, Metric.VSI, 100)
    return other, target


@pytest.mark.parametrize("role", ["manager", "official", "leader"])
def test_an_office_that_once_served_a_commune_stays_out_of_scope(client, users, neighbour, role):
    from ansinh.targets.models import TargetShare
    from ansinh.targets.queries import visible_offices
    from tests.factories import PHONG_HOA

    other, target = neighbour
    user = users[role]
    assert other not in visible_offices(user)
    client.force_login(user)
    for name in ("target_index", "campaign_list", "dashboard", "leaderboard", "activity_list"):
        response = client.get(reverse(name), {"office": other.pk})
        assert response.status_code == 404, f"{role} {name}: {response.status_code}"
    assert client.get(reverse("target_detail", args=[target.pk])).status_code == 404
    response = client.post(
        reverse("target_detail", args=[target.pk]),
        {"level": "commune", f"commune-u_{PHONG_HOA}": 5},
    )
    assert response.status_code == 404
    assert not TargetShare.objects.filter(target=target).exists()


def test_the_province_sees_every_office_of_the_province(users, neighbour):
    from ansinh.targets.queries import visible_offices

    other, _target = neighbour
    assert other in visible_offices(users["admin"])
    assert {o.code for o in visible_offices(users["admin"])} >= {"NEIGHBOUR"}


def test_dashboard_on_time_rate_is_the_offices_not_the_provinces(office, users, neighbour):
    """The province looking at one office's dashboard sees that office's on-time rate."""
    from ansinh.collection.cycle import issue_cycle
    from ansinh.collection.models import Collector, Organisation
    from ansinh.enrolment import services as enrolment
    from ansinh.enrolment.models import VsiEnrolment
    from ansinh.reports.queries import _on_time
    from ansinh.rules.months import Month
    from tests.factories import PHONG_HOA, make_person

    other, _target = neighbour
    org = Organisation.objects.create(code="BD-PH", name="Bưu điện Phong Hòa", office=other)
    thu = Collector.objects.create(
        organisation=org, code="C-PH", full_name="Mai Văn Thu", commune_id=PHONG_HOA
    )
    enrolments = {}
    for key, o, kw in (
        ("mine", office, {"collector": office.collector}),
        ("theirs", office, {"collector": thu, "commune": PHONG_HOA, "hamlet": None}),
    ):
        person = make_person(o, f"Người {key}", **kw)
        enrolments[key] = VsiEnrolment.objects.create(
            person=person,
            start_month=date(2024, 1, 1),
            income=2_000_000,
            method="1",
            paid_through=date(2026, 10, 1),
            status="active",
            status_since=date(2024, 1, 1),
        )
    issue_cycle(office.office, Month(2026, 10))
    issue_cycle(other, Month(2026, 10))
    # Only the neighbour's participant pays November on time.
    enrolment.record_vsi_receipt(
        users["admin"],
        enrolments["theirs"],
        enrolment.ReceiptInput(number="OT-1", paid_on=date(2026, 11, 5), months=1),
    )
    rate, month = _on_time(users["admin"], office.office, date(2026, 12, 15))
    assert month == date(2026, 11, 1)
    assert rate == 0  # Hòa Long's one participant did not pay; 50 would be the province's
    rate, _month = _on_time(users["admin"], other, date(2026, 12, 15))
    assert rate == 100


def test_admin_site_lists_only_the_staff_members_people(client, users, office):
    """A staff account given the admin's view permissions still sees only its scope there."""
    from django.contrib.auth.models import Permission

    from ansinh.enrolment import services as enrolment
    from tests.factories import make_person

    admin = users["admin"]  # provincial administrator, staff, province 82
    admin.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_person",
                "view_household",
                "view_vsienrolment",
                "view_hienrolment",
                "view_receipt",
            ]
        )
    )
    inside = make_person(office, "Nguyễn Văn Trong")
    outside = make_person(office, "Nguyễn Thị Ngoài", commune="00070", hamlet=None)  # Hà Nội
    root = type(admin).objects.create_superuser("root2", password="pw")
    for n, person in enumerate((inside, outside)):
        vsi = enrolment.enrol_vsi(root, person, 2_000_000, "1", date.today().replace(day=1))
        enrolment.record_vsi_receipt(
            root, vsi, enrolment.ReceiptInput(number=f"ADM-{n}", paid_on=date.today(), months=1)
        )
    client.force_login(admin)
    pages = {
        "person": (inside.full_name, outside.full_name),
        "household": (inside.household.code, outside.household.code),
        "vsienrolment": (inside.full_name, outside.full_name),
        "receipt": ("ADM-0", "ADM-1"),
    }
    for model, (seen, hidden) in pages.items():
        app = "registry" if model in ("person", "household") else "enrolment"
        page = client.get(f"/admin/{app}/{model}/")
        assert page.status_code == 200, model
        html = page.content.decode()
        assert seen in html and hidden not in html, model
    detail = client.get(f"/admin/registry/person/{outside.pk}/change/")
    assert detail.status_code in (302, 404)
