"""Registry and enrolment services: what they write, in one transaction, and what they refuse.

Figures (Đồng Tháp, group "other" = 20% state support from 07/2025; rural poverty line
1.500.000 đ to the end of 2026; base salary 2.340.000 đ from 07/2024):
VSI on 2.000.000 đ: 440.000 đ premium - 66.000 đ support = 374.000 đ a month.
HI: first member 4.5% x 2.340.000 = 105.300 đ a month, then 70% 73.710, 60% 63.180.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from ansinh.accounts.models import AuditEntry
from ansinh.enrolment import services
from ansinh.enrolment.models import (
    ContributionMonth,
    HiEnrolment,
    HiStatus,
    Receipt,
    Scheme,
    VsiEnrolment,
    VsiStatus,
)
from ansinh.registry.forms import PersonForm
from ansinh.registry.models import Household, Person, SupportMembership
from ansinh.registry.services import register_person
from tests.factories import HOA_LONG, LAI_VUNG, make_person

JAN_2026 = date(2026, 1, 1)


@pytest.fixture
def official(users):
    return users["official"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _new_person(office, name="Trần Thị Mới", commune=HOA_LONG, **kw):
    fields = dict(
        full_name=name,
        birth_date=date(1980, 3, 4),
        sex="F",
        commune_id=commune,
        hamlet=office.hamlet if commune == HOA_LONG else office.hamlet2,
        address="5 Đường Mới",
    )
    fields.update(kw)
    return Person(**fields)


def _messages(exc: ValidationError, field: str) -> str:
    return " ".join(exc.message_dict[field])


# --- registering people and households -----------------------------------------------


def test_register_with_a_new_household(office, official):
    person = register_person(official, _new_person(office), support_group="poor", on=JAN_2026)
    household = person.household
    assert household is not None and person.household_order == 1
    assert household.code == f"HGD{household.pk:07d}"
    assert (household.commune_id, household.hamlet, household.address) == (
        HOA_LONG,
        office.hamlet,
        "5 Đường Mới",
    )
    support = SupportMembership.objects.get(person=person)
    assert (support.group, support.valid_from, support.valid_to) == (
        "poor",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert person.name_folded == "tran thi moi"
    logged = AuditEntry.objects.filter(user=official, action="create")
    assert {e.model for e in logged} >= {
        "registry.person",
        "registry.household",
        "registry.supportmembership",
    }


def test_join_an_existing_household_in_order(office, official):
    head = register_person(official, _new_person(office, "Lê Văn Chủ"))
    household = head.household
    wife = register_person(
        official,
        _new_person(office, "Lê Thị Vợ"),
        household_choice="existing",
        household_id=household.pk,
    )
    child = register_person(
        official,
        _new_person(office, "Lê Văn Con"),
        household_choice="existing",
        household_id=household.pk,
    )
    assert [wife.household_id, child.household_id] == [household.pk] * 2
    ordered = list(household.members.order_by("household_order"))
    assert [(m.full_name, m.household_order) for m in ordered] == [
        ("Lê Văn Chủ", 1),
        ("Lê Thị Vợ", 2),
        ("Lê Văn Con", 3),
    ]
    assert str(household) == "Household of Lê Văn Chủ"
    assert Household.objects.count() == 1


def test_join_a_household_outside_the_area_is_refused(office, official):
    far = Household.objects.create(commune_id="00070", code="HN1")  # Hanoi
    with pytest.raises(ValidationError) as exc:
        register_person(
            official, _new_person(office), household_choice="existing", household_id=far.pk
        )
    assert f"No household {far.pk} in your area" in _messages(exc.value, "household_id")
    assert not Person.objects.exists()


def test_join_a_household_of_another_commune_is_refused(office, official):
    head = register_person(official, _new_person(office, "Lê Văn Chủ"))
    with pytest.raises(ValidationError) as exc:
        register_person(
            official,
            _new_person(office, "Ở Xã Khác", commune=LAI_VUNG),
            household_choice="existing",
            household_id=head.household_id,
        )
    assert "another commune" in _messages(exc.value, "household_id")
    assert Person.objects.count() == 1


def test_a_new_household_is_audited_once_with_its_code(office, official):
    from ansinh.accounts.models import AuditEntry

    head = register_person(official, _new_person(office, "Lê Văn Chủ"))
    entries = AuditEntry.objects.filter(
        model="registry.household", object_id=str(head.household_id)
    )
    assert [(e.action, e.after["code"]) for e in entries] == [
        ("create", f"HGD{head.household_id:07d}")
    ]


def test_register_outside_the_area_or_without_the_role_is_refused(office, users):
    with pytest.raises(PermissionDenied):
        register_person(users["official"], _new_person(office, commune="00070", hamlet=None))
    with pytest.raises(PermissionDenied):
        register_person(users["collector"], _new_person(office))
    assert not Person.objects.exists() and not Household.objects.exists()


def test_duplicates_are_flagged_never_merged(client, office, official):
    first = register_person(
        official, _new_person(office, "Phan Văn Trùng", sex="M", cccd="087080001234")
    )
    client.force_login(official)
    form = {
        "full_name": "Phan Văn Trùng",
        "birth_date": "1980-03-04",
        "sex": "M",
        "cccd": "087080001234",
        "si_code": "",
        "phone": "",
        "ethnicity": "Kinh",
        "commune": LAI_VUNG,
        "hamlet": "",
        "address": "",
        "support_group": "other",
        "household_choice": "new",
        "household_id": "",
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the EN switch
    response = client.post(reverse("person_create"), form, follow=True)
    assert response.status_code == 200
    second = Person.objects.exclude(pk=first.pk).get()
    assert second.cccd == first.cccd and second.household_id != first.household_id
    assert list(first.likely_duplicates()) == [second]
    assert list(second.likely_duplicates()) == [first]
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings and "duplicate" in warnings[0]
    page = client.get(reverse("person_detail", args=[second.pk])).content.decode()
    assert reverse("person_detail", args=[first.pk]) in page  # a link to the other record
    assert Person.objects.count() == 2


# --- personal numbers -----------------------------------------------------------------


def test_person_form_says_what_is_wrong_with_the_numbers(office):
    data = {
        "full_name": "Ngô Văn Số",
        "birth_date": "1980-03-04",
        "sex": "M",
        "cccd": "003180001234",
        "si_code": "12345",
        "ethnicity": "Kinh",
        "commune": HOA_LONG,
        "support_group": "other",
        "household_choice": "new",
    }
    form = PersonForm(data, communes={HOA_LONG, LAI_VUNG})
    assert not form.is_valid()
    assert "not the code of a province" in form.errors["cccd"][0]
    assert "exactly 10 digits" in form.errors["si_code"][0]
    data.update(cccd=" 087 080 001 234 ", si_code="87.1234.5678", phone="+84 912.345.678")
    form = PersonForm(data, communes={HOA_LONG, LAI_VUNG})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cccd"] == "087080001234"
    assert form.cleaned_data["si_code"] == "8712345678"
    assert form.cleaned_data["phone"] == "0912345678"


# --- VSI enrolment and receipts ---------------------------------------------------------


def _enrolled(office, official, income=2_000_000, method="3", start=JAN_2026, **kw):
    person = make_person(office, collector=office.collector, **kw)
    return services.enrol_vsi(official, person, income, method, start)


@pytest.mark.parametrize(
    "income, words",
    [
        (500_000, "below the minimum of 1.500.000 đ"),
        (60_000_000, "above the maximum of 46.800.000 đ"),
    ],
)
def test_enrol_vsi_refuses_an_income_out_of_range(office, official, income, words):
    person = make_person(office)
    with pytest.raises(ValidationError) as exc:
        services.enrol_vsi(official, person, income, "1", JAN_2026)
    message = _messages(exc.value, "income")
    assert words in message
    assert "choose from 1.500.000 đ to 46.800.000 đ" in message
    assert not VsiEnrolment.objects.exists()


def test_enrol_vsi_twice_is_refused(office, official):
    vsi = _enrolled(office, official)
    with pytest.raises(ValidationError, match="already has an open"):
        services.enrol_vsi(official, vsi.person, 2_000_000, "1", JAN_2026)


def test_receipt_moves_paid_through_and_writes_the_months(office, official):
    vsi = _enrolled(office, official)
    receipt = services.record_vsi_receipt(
        official, vsi, services.ReceiptInput(number="BL-1", paid_on=date(2026, 1, 10), months=3)
    )
    vsi.refresh_from_db()
    assert vsi.paid_through == date(2026, 3, 1)
    assert (receipt.from_month, receipt.months, receipt.income) == (JAN_2026, 3, 2_000_000)
    assert (receipt.gross, receipt.support, receipt.amount) == (1_320_000, 198_000, 1_122_000)
    assert receipt.collector == office.collector and receipt.organisation == office.post
    assert receipt.recorded_by == official and receipt.scheme == Scheme.VSI
    months = list(ContributionMonth.objects.filter(enrolment=vsi).order_by("month"))
    assert [m.month for m in months] == [date(2026, m, 1) for m in (1, 2, 3)]
    assert {(m.income, m.gross, m.support, m.receipt_id) for m in months} == {
        (2_000_000, 440_000, 66_000, receipt.pk)
    }
    # The next receipt follows on.
    services.record_vsi_receipt(
        official, vsi, services.ReceiptInput(number="BL-2", paid_on=date(2026, 4, 2), months=3)
    )
    vsi.refresh_from_db()
    assert vsi.paid_through == date(2026, 6, 1)
    assert ContributionMonth.objects.filter(enrolment=vsi).count() == 6


def test_receipt_amount_given_by_an_import_must_match(office, official):
    vsi = _enrolled(office, official)
    data = services.ReceiptInput(number="BL-1", paid_on=date(2026, 1, 10), months=3, amount=1)
    with pytest.raises(ValidationError) as exc:
        services.record_vsi_receipt(official, vsi, data)
    assert "1.122.000 đ" in _messages(exc.value, "amount")  # the offices' notation
    assert not Receipt.objects.exists()


def _boom(*args, **kwargs):
    raise RuntimeError("the disk is full")


@pytest.mark.parametrize("where", ["writing the months", "after the enrolment is saved"])
def test_a_failure_after_the_receipt_is_saved_writes_nothing(office, official, monkeypatch, where):
    vsi = _enrolled(office, official)
    services.record_vsi_receipt(
        official, vsi, services.ReceiptInput(number="BL-1", paid_on=date(2026, 1, 10), months=3)
    )
    before = (
        Receipt.objects.count(),
        ContributionMonth.objects.count(),
        AuditEntry.objects.count(),
    )
    if where == "writing the months":
        monkeypatch.setattr(ContributionMonth.objects, "bulk_create", _boom)
    else:
        monkeypatch.setattr("ansinh.collection.services.resolve_paid_visits", _boom)
    with pytest.raises(RuntimeError):
        services.record_vsi_receipt(
            official,
            vsi,
            services.ReceiptInput(number="BL-2", paid_on=date(2026, 4, 2), months=3),
        )
    after = (Receipt.objects.count(), ContributionMonth.objects.count(), AuditEntry.objects.count())
    assert after == before
    assert not Receipt.objects.filter(number="BL-2").exists()
    vsi.refresh_from_db()
    assert vsi.paid_through == date(2026, 3, 1)


def test_a_receipt_number_used_twice_is_refused(office, official):
    vsi = _enrolled(office, official)
    other = _enrolled(office, official, name="Lý Thị Khác")
    services.record_vsi_receipt(
        official, vsi, services.ReceiptInput(number="BL-7", paid_on=date(2026, 1, 10), months=3)
    )
    for enrolment, number in ((vsi, "BL-7"), (other, "BL-7"), (other, "  BL-7 ")):
        with pytest.raises(ValidationError) as exc:
            services.record_vsi_receipt(
                official,
                enrolment,
                services.ReceiptInput(number=number, paid_on=date(2026, 4, 2), months=3),
            )
        assert "Receipt number BL-7 is already recorded" in _messages(exc.value, "number")
    assert Receipt.objects.count() == 1
    other.refresh_from_db()
    assert other.paid_through is None


def test_a_receipt_dated_in_the_future_is_refused(office, official):
    vsi = _enrolled(office, official)
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.record_vsi_receipt(
            official, vsi, services.ReceiptInput(number="BL-9", paid_on=tomorrow, months=3)
        )
    assert "The payment date is in the future." in _messages(exc.value, "paid_on")
    assert not Receipt.objects.exists() and not ContributionMonth.objects.exists()


def test_a_receipt_for_too_many_or_no_months_is_refused(office, official):
    vsi = _enrolled(office, official)
    for months in (0, 61):
        with pytest.raises(ValidationError) as exc:
            services.record_vsi_receipt(
                official,
                vsi,
                services.ReceiptInput(number="BL-0", paid_on=date(2026, 1, 10), months=months),
            )
        assert "1 to 60 months" in _messages(exc.value, "months")


def test_a_suspended_enrolment_resumes_from_the_month_of_payment(office, official):
    vsi = _enrolled(office, official, method="1")
    services.record_vsi_receipt(
        official, vsi, services.ReceiptInput(number="BL-1", paid_on=date(2026, 1, 10), months=3)
    )
    VsiEnrolment.objects.filter(pk=vsi.pk).update(
        status=VsiStatus.SUSPENDED, status_since=date(2026, 5, 1)
    )
    vsi.refresh_from_db()
    paid_on = date(2026, 7, 15)
    assert services.next_unpaid_month(vsi, paid_on) == date(2026, 7, 1)
    receipt = services.record_vsi_receipt(
        official, vsi, services.ReceiptInput(number="BL-2", paid_on=paid_on, months=2)
    )
    vsi.refresh_from_db()
    assert receipt.from_month == date(2026, 7, 1)
    assert (vsi.status, vsi.status_since, vsi.paid_through) == (
        VsiStatus.ACTIVE,
        paid_on,
        date(2026, 8, 1),
    )
    months = ContributionMonth.objects.filter(enrolment=vsi).values_list("month", flat=True)
    assert sorted(m.month for m in months) == [1, 2, 3, 7, 8]  # April to June stay unpaid


def test_a_stopped_enrolment_takes_no_receipt(office, official):
    vsi = _enrolled(office, official)
    VsiEnrolment.objects.filter(pk=vsi.pk).update(status=VsiStatus.STOPPED)
    vsi.refresh_from_db()
    with pytest.raises(ValidationError, match="stopped"):
        services.record_vsi_receipt(
            official, vsi, services.ReceiptInput(number="BL-1", paid_on=date(2026, 1, 10), months=1)
        )


def test_a_commune_leader_cannot_record_a_receipt(office, users):
    vsi = _enrolled(office, users["official"])
    with pytest.raises(PermissionDenied):
        services.record_vsi_receipt(
            users["leader"],
            vsi,
            services.ReceiptInput(number="BL-1", paid_on=date(2026, 1, 10), months=1),
        )
    assert not Receipt.objects.exists()


# --- household health insurance --------------------------------------------------------


def _household_of_three(office, official):
    head = register_person(official, _new_person(office, "Đặng Văn Một"))
    for name in ("Đặng Thị Hai", "Đặng Văn Ba"):
        register_person(
            official,
            _new_person(office, name),
            household_choice="existing",
            household_id=head.household_id,
        )
    household = head.household
    members = list(household.members.order_by("household_order"))
    return household, members


def test_hi_household_receipt_follows_the_ladder_and_the_card_waits_30_days(office, official):
    household, members = _household_of_three(office, official)
    enrolled = services.enrol_hi(official, household, members, 12, date(2025, 9, 1))
    assert [e.member_order for e in enrolled] == [1, 2, 3]
    paid_on = date(2025, 9, 15)
    receipt = services.record_hi_receipt(
        official, household, services.ReceiptInput(number="HI-1", paid_on=paid_on, months=12)
    )
    # 105.300 + 73.710 + 63.180 = 242.190 đ a month, for 12 months.
    assert (receipt.members, receipt.gross, receipt.amount) == (3, 2_906_280, 2_906_280)
    assert receipt.scheme == Scheme.HI and receipt.person == members[0]
    cards = HiEnrolment.objects.filter(household=household).order_by("member_order")
    for card in cards:
        assert card.card_from == paid_on + timedelta(days=30) == date(2025, 10, 15)
        assert card.card_to == date(2026, 10, 14)
        assert card.status == HiStatus.ACTIVE
    # Renewed before the card ends: the next card follows on, without a gap or a wait.
    services.record_hi_receipt(
        official,
        household,
        services.ReceiptInput(number="HI-2", paid_on=date(2026, 10, 1), months=3),
    )
    for card in HiEnrolment.objects.filter(household=household):
        assert (card.card_from, card.card_to) == (date(2026, 10, 15), date(2027, 1, 14))


def test_hi_receipt_for_a_period_the_law_does_not_allow_is_refused(office, official):
    household, members = _household_of_three(office, official)
    services.enrol_hi(official, household, members[:1], 12, date(2025, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.record_hi_receipt(
            official,
            household,
            services.ReceiptInput(number="HI-1", paid_on=date(2025, 9, 15), months=5),
        )
    assert "months" in exc.value.message_dict
    assert not Receipt.objects.exists()


def test_hi_receipt_for_a_household_nobody_enrolled_is_refused(office, official):
    household, _ = _household_of_three(office, official)
    with pytest.raises(ValidationError, match="Nobody in this household"):
        services.record_hi_receipt(
            official,
            household,
            services.ReceiptInput(number="HI-1", paid_on=date(2025, 9, 15), months=12),
        )


def test_search_matches_the_start_of_each_word_with_or_without_diacritics(office, official):
    from ansinh.registry.queries import search_persons

    for name in ("Võ Thị Lan", "Lê Văn Vọng", "Trần Thị Hồng Nhung", "Nguyễn Văn Bảo"):
        make_person(office, name)
    names = lambda q: sorted(p.full_name for p in search_persons(official, q))  # noqa: E731
    assert names("vo") == ["Lê Văn Vọng", "Võ Thị Lan"]
    assert names("thi lan") == ["Võ Thị Lan"] == names("Thị Lan")
    assert names("ong") == []  # inside a word only
    assert names("nguyen bao") == ["Nguyễn Văn Bảo"]
