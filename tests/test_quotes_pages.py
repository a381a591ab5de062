"""The counselling page and the enrolment forms for issue 11 items 1, 2, 3 and 5: payment
modes with their discount or interest, supported months from the person's ledger, members
joining a household's card at different times, the one-time withdrawal's workings."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from ansinh.enrolment import services
from ansinh.enrolment.models import HiEnrolment, Receipt
from ansinh.registry.models import CompulsoryPeriod
from tests import english as _english
from tests.factories import enrol, make_person, supported_history

pytestmark = pytest.mark.django_db
english, client = _english.english, _english.client  # messages and pages in English


@pytest.fixture
def official(client, users):
    client.force_login(users["official"])
    return users["official"]


def counsel(client, **params):
    return client.get(reverse("counsel"), params)


def test_advance_quote_shows_the_discount(client, official):
    r = counsel(client, tab="vsi", income=2000000, group="other", mode="advance", months=24,
                on="2025-08-01")  # fmt: skip
    q = r.context["quote"]
    assert (q.plain_total, q.gross_total, q.discount) == (10_560_000, 9_977_299, 582_701)
    html = r.content.decode()
    assert 'data-testid="discount"' in html and "582.701" in html and "10.560.000" in html


def test_payback_refused_naming_the_method_field(client, official):
    r = counsel(client, tab="vsi", income=2000000, group="other", mode="payback", months=3,
                on="2025-08-01")  # fmt: skip
    assert r.context["quote"] is None
    assert "vsi.missed_months_payback" in r.context["form"].errors["mode"][0]


def test_bad_months_for_the_mode_names_the_field(client, official):
    r = counsel(client, tab="vsi", income=2000000, group="other", mode="3", months=4,
                on="2025-08-01")  # fmt: skip
    assert "multiple of 3" in r.context["form"].errors["months"][0]


def test_quote_for_a_person_uses_their_supported_months(client, official, office):
    e = enrol(office, "Lê Thị Gần", paid_through=date(2025, 6, 1))
    supported_history(e, 118)
    r = counsel(client, tab="vsi", person=e.person.pk, income=1500000, group="poor", mode="6",
                on="2025-08-01")  # fmt: skip
    q = r.context["quote"]
    assert (q.support_months_used, q.supported_months, q.support_months_left) == (118, 2, 0)
    html = r.content.decode()
    assert 'data-testid="quote-person"' in html and "118" in html
    assert 'data-testid="support-left"' in html
    # the enrolment form's live quote counts the same ledger
    live = client.get(
        reverse("vsi_quote_live", args=[e.person.pk]),
        {"income": 1500000, "method": "6", "start": "2025-08"},
    )
    assert live.context["quote"].support_months_used == 118


def test_household_members_joining_at_different_times(client, official):
    r = counsel(client, tab="join", enrolled=0, months=12, join_1="2025-08-01",
                join_2="2025-10-01")  # fmt: skip
    q = r.context["quote"]
    assert q.card_end == date(2026, 7, 31) and q.total == 2_000_700
    html = r.content.decode()
    assert "31/07/2026" in html and "737.100" in html
    bad = counsel(client, tab="join", enrolled=0, months=12, join_1="2025-08-01",
                  join_2="2026-09-01")  # fmt: skip
    assert bad.context["quote"] is None and "Member 2" in bad.context["form"].errors["card_end"][0]


def test_person_sheet_shows_the_withdrawal_workings_and_supported_months(client, official, office):
    e = enrol(office, "Võ Thị Rút", paid_through=date(2025, 6, 1))
    CompulsoryPeriod.objects.create(
        person=e.person, start=date(2011, 9, 1), end=date(2017, 3, 1), salary=3_000_000
    )
    r = client.get(reverse("person_counsel", args=[e.person.pk]), {"income": 1500000})
    w = r.context["projection"].now.withdrawal
    assert (w.years_before, w.years_from) == (2, 4)
    html = r.content.decode()
    assert 'data-testid="withdrawal-workings"' in html and 'data-testid="support-months"' in html
    assert f"{w.amount:,}".replace(",", ".") in html


def test_hi_members_joining_a_running_card_end_with_it(client, official, office):
    head = make_person(office, "Đặng Văn Một", household_order=1)
    second = make_person(office, "Đặng Thị Hai", household=head.household, household_order=2)
    household = head.household
    services.enrol_hi(official, household, [head], 12, date.today())
    paid = date.today() - timedelta(days=40)
    services.record_hi_receipt(
        official, household, services.ReceiptInput(number="HJ-1", paid_on=paid, months=12)
    )
    card_end = HiEnrolment.objects.get(person=head).card_to
    page = client.get(reverse("hi_enrol", args=[household.pk]))
    assert page.context["card_end"] == card_end
    (m,) = page.context["quote"].members
    assert m.rank == 2 and m.percent == 70
    services.enrol_hi(official, household, [second], 12, date.today())
    receipt = services.record_hi_receipt(
        official,
        household,
        services.ReceiptInput(number="HJ-2", paid_on=date.today(), months=12),
    )
    joined = HiEnrolment.objects.get(person=second)
    assert joined.card_to == card_end  # ends together
    assert receipt.members == 1 and receipt.amount == m.amount
    assert HiEnrolment.objects.get(person=head).card_to == card_end  # untouched
    assert Receipt.objects.count() == 2


def test_vsi_receipt_page_prices_the_chosen_mode(client, official, office):
    e = enrol(office, "Phan Văn Quý", paid_through=date(2025, 6, 1), method="3")
    ok = client.get(reverse("vsi_receipt_quote", args=[e.pk]), {"months": 3, "mode": "3"})
    assert ok.context["quote"].mode == "3"
    bad = client.get(reverse("vsi_receipt_quote", args=[e.pk]), {"months": 3, "mode": "advance"})
    assert bad.context["quote"] is None and "lump sum" in bad.context["quote_error"]
