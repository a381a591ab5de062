"""Scope is data: each role sees its own people on pages, in exports and in counts.

The world: the Hòa Long office serves Hòa Long and Lai Vung (Đồng Tháp, 82). Six people:

| key        | commune            | collector                 |
|------------|--------------------|---------------------------|
| mine       | Hòa Long           | the collector (post)      |
| post_other | Lai Vung           | another post collector    |
| viettel    | Hòa Long           | a Viettel collector       |
| lai_vung   | Lai Vung           | none                      |
| phong_hoa  | Phong Hòa (82)     | none (outside the office) |
| hanoi      | Hoàn Kiếm (01)     | none (outside the province) |
"""

import re
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ansinh.accounts.models import AuditEntry, User
from ansinh.collection.models import Collector
from ansinh.common.text import add_months
from ansinh.enrolment import services as enrolment
from ansinh.enrolment.models import Receipt, VsiEnrolment
from ansinh.registry.models import Person
from tests.factories import LAI_VUNG, PHONG_HOA, make_person

HANOI = "00070"
TODAY = date.today()

VISIBLE = {
    "collector": {"mine"},
    "postmgr": {"mine", "post_other"},
    "leader": {"mine", "viettel"},
    "official": {"mine", "post_other", "viettel", "lai_vung"},
    "manager": {"mine", "post_other", "viettel", "lai_vung"},
    "admin": {"mine", "post_other", "viettel", "lai_vung", "phong_hoa"},
}
ALL = {"mine", "post_other", "viettel", "lai_vung", "phong_hoa", "hanoi"}
ROLES = sorted(VISIBLE)
#: Roles that see a CCCD in full; the others see it masked.
FULL_CCCD = {"official", "manager", "admin"}


@pytest.fixture
def world(office, users):
    root = User.objects.create_superuser("root", password="pw")
    post2 = Collector.objects.create(
        organisation=office.post, code="C-POST-2", full_name="Đỗ Văn Hai", commune_id=LAI_VUNG
    )
    people = {
        "mine": make_person(office, "Nguyễn Văn Mình", collector=office.collector),
        "post_other": make_person(office, "Nguyễn Thị Bưu", commune=LAI_VUNG, collector=post2),
        "viettel": make_person(office, "Nguyễn Văn Viễn", collector=office.other_collector),
        "lai_vung": make_person(office, "Nguyễn Thị Lai", commune=LAI_VUNG),
        "phong_hoa": make_person(office, "Nguyễn Văn Phong", commune=PHONG_HOA, hamlet=None),
        "hanoi": make_person(office, "Nguyễn Thị Hà", commune=HANOI, hamlet=None),
    }
    for n, person in enumerate(people.values()):
        vsi = enrolment.enrol_vsi(root, person, 2_000_000, "1", TODAY.replace(day=1))
        enrolment.record_vsi_receipt(
            root, vsi, enrolment.ReceiptInput(number=f"S-{n}", paid_on=TODAY, months=1)
        )
    return {"users": users, "people": people, "root": root, "office": office}


def _keys(world, persons) -> set[str]:
    by_pk = {p.pk: key for key, p in world["people"].items()}
    return {by_pk[p.pk] for p in persons}


def _client(client, world, role):
    client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_restrict_gives_each_role_its_people(world, role):
    user = world["users"][role]
    assert _keys(world, Person.objects.restrict(user)) == VISIBLE[role]
    assert _keys(world, [e.person for e in VsiEnrolment.objects.restrict(user)]) == VISIBLE[role]


def _person_urls(world, person) -> dict[str, str]:
    vsi = VsiEnrolment.objects.get(person=person)
    return {
        "detail": reverse("person_detail", args=[person.pk]),
        "edit": reverse("person_edit", args=[person.pk]),
        "enrol": reverse("vsi_enrol", args=[person.pk]),
        "live quote": reverse("vsi_quote_live", args=[person.pk]) + "?income=2000000",
        "receipt": reverse("vsi_receipt", args=[vsi.pk]),
        "counselling": reverse("person_counsel", args=[person.pk]),
        "counselling pdf": reverse("person_counsel", args=[person.pk]) + "?format=pdf",
        "compulsory": reverse("compulsory_add", args=[person.pk]),
        "support": reverse("support_add", args=[person.pk]),
        "household": reverse("household_detail", args=[person.household_id]),
        "hi enrol": reverse("hi_enrol", args=[person.household_id]),
        "hi receipt": reverse("hi_receipt", args=[person.household_id]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_a_person_outside_the_scope_are_404(client, world, role):
    _client(client, world, role)
    for key in sorted(ALL - VISIBLE[role]):
        person = world["people"][key]
        for name, url in _person_urls(world, person).items():
            response = client.get(url)
            assert response.status_code == 404, (
                f"{role} GET {name} of {key}: {response.status_code}"
            )
        post = client.post(
            reverse("vsi_receipt", args=[VsiEnrolment.objects.get(person=person).pk]),
            {"number": "X-1", "paid_on": TODAY.isoformat(), "months": "1"},
        )
        assert post.status_code == 404
        post = client.post(reverse("person_edit", args=[person.pk]), {"full_name": "Hacked"})
        assert post.status_code == 404
    assert not Receipt.objects.filter(number="X-1").exists()
    assert not Person.objects.filter(full_name="Hacked").exists()


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_a_person_inside_the_scope_open(client, world, role):
    _client(client, world, role)
    user = world["users"][role]
    for key in sorted(VISIBLE[role]):
        person = world["people"][key]
        urls = _person_urls(world, person)
        for name in ("detail", "counselling", "household"):
            assert client.get(urls[name]).status_code == 200, f"{role} {name} of {key}"
        # What a role may not do is refused, not hidden: 403.
        for name in ("edit", "enrol", "compulsory", "support", "hi enrol"):
            status = client.get(urls[name]).status_code
            assert status == (200 if user.edits_registry else 403), f"{role} {name} of {key}"
        assert client.get(urls["receipt"]).status_code == (200 if user.records_receipts else 403)


@pytest.mark.parametrize("role", ROLES)
def test_export_holds_only_the_roles_people(client, world, role):
    response = _client(client, world, role).get(reverse("person_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    header = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "STT")
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    names = {r[header.index("Họ và tên")] for r in rows}
    expected = {world["people"][k].full_name for k in VISIBLE[role]}
    assert names == expected
    # Filtering by a commune outside the scope does not widen it.
    outside = client.get(reverse("person_export"), {"commune": HANOI})
    if outside.status_code == 200:
        sheet = load_workbook(BytesIO(outside.content)).active
        assert not any(r and r[1] == "Nguyễn Thị Hà" for r in sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("role", ROLES)
def test_counts_are_the_roles_own(client, world, role):
    client = _client(client, world, role)
    n = len(VISIBLE[role])
    figures = client.get(reverse("home")).context["figures"]
    assert figures["vsi_active"] == n
    assert figures["receipts_month"] == n
    results = client.get(reverse("person_search"), {"q": "nguyen"}).context["results"]
    assert _keys(world, results) == VISIBLE[role]
    listing = client.get(reverse("participant_list")).context["page"]
    assert listing.paginator.count == n


@pytest.mark.parametrize("role", ROLES)
def test_cccd_masked_for_roles_that_do_not_need_it(client, world, role):
    client = _client(client, world, role)
    person = world["people"]["mine"]
    full, masked = person.cccd, person.cccd[:3] + "*" * 7 + person.cccd[-2:]
    shown = full if role in FULL_CCCD else masked
    hidden = masked if role in FULL_CCCD else full
    detail = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert f'data-testid="cccd">{shown}<' in detail
    assert hidden not in detail
    search = client.get(reverse("person_search"), {"q": "nguyen van minh"}).content.decode()
    assert shown in search and hidden not in search
    export = load_workbook(BytesIO(client.get(reverse("person_export")).content)).active
    cells = {c for r in export.iter_rows(values_only=True) for c in r}
    assert shown in cells and hidden not in cells
    # Searching by the full number finds the person, and still shows the number as the role may.
    by_number = client.get(reverse("person_search"), {"q": full}).content.decode()
    table = re.search(r'<table[^>]*data-testid="results".*?</table>', by_number, re.S).group(0)
    assert person.full_name in table and shown in table and hidden not in table


def _audit(instance, action):
    return AuditEntry.objects.filter(
        model=instance._meta.label_lower, object_id=str(instance.pk), action=action
    )


def test_audit_log_records_who_when_before_after(client, world):
    official = world["users"]["official"]
    client.force_login(official)
    person = world["people"]["lai_vung"]
    started = AuditEntry.objects.count()

    # A person edit: who, when, the phone before and after.
    form = {
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "cccd": person.cccd,
        "si_code": person.si_code,
        "phone": "0987654321",
        "ethnicity": person.ethnicity,
        "commune": person.commune_id,
        "hamlet": person.hamlet_id,
        "address": "",
    }
    response = client.post(reverse("person_edit", args=[person.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = _audit(person, AuditEntry.Action.UPDATE).get()
    assert entry.user == official
    assert (TODAY - entry.at.date()).days <= 1
    assert entry.before["phone"] == person.phone and entry.after["phone"] == "0987654321"

    # An enrolment (a new person, registered and enrolled through the pages).
    newcomer = make_person(world["office"], "Lê Văn Mới")
    response = client.post(
        reverse("vsi_enrol", args=[newcomer.pk]),
        {"income": "2000000", "method": "3", "lump_years": "0", "start": TODAY.isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vsi = VsiEnrolment.objects.get(person=newcomer)
    entry = _audit(vsi, AuditEntry.Action.CREATE).get()
    assert entry.user == official and entry.before is None
    assert entry.after["income"] == 2_000_000 and entry.after["person"] == newcomer.pk

    # A receipt: the receipt created, the enrolment's paid-through month before and after.
    response = client.post(
        reverse("vsi_receipt", args=[vsi.pk]),
        {"number": "AUD-1", "paid_on": TODAY.isoformat(), "months": "3"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = Receipt.objects.get(number="AUD-1")
    entry = _audit(receipt, AuditEntry.Action.CREATE).get()
    assert entry.user == official and entry.after["months"] == 3
    moved = _audit(vsi, AuditEntry.Action.UPDATE).get()
    assert moved.user == official
    assert moved.before["paid_through"] is None
    assert moved.after["paid_through"] == add_months(vsi.start_month, 2).isoformat()
    assert AuditEntry.objects.count() > started
    # The person's page shows the history.
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert official.full_name in page


def test_login_is_locked_after_five_failures(client, world):
    url = reverse("login")
    for attempt in range(1, 6):
        response = client.post(url, {"username": "official", "password": "wrong"})
        if attempt < 5:
            assert response.status_code == 200
            assert "_auth_user_id" not in client.session
    assert response.status_code in (403, 429), response.status_code
    # Locked: the right password is refused too.
    response = client.post(url, {"username": "official", "password": "pw"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    # Other users (same address) still log in: the lock is per username and address.
    response = client.post(url, {"username": "manager", "password": "pw"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world["users"]["manager"].pk)
