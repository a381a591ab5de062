"""Legal figures come from the parameters table, never from code."""

from datetime import date

import pytest
from django.urls import reverse

from ansinh.parameters.models import Parameter
from ansinh.parameters.table import current_table
from ansinh.rules.vsi import income_bounds
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def higher_floor(db):
    """An administrator raises the rural poverty line in force today (as from 2027)."""
    today = date.today()
    row = (
        Parameter.objects.filter(key="poverty.rural", province="", valid_from__lte=today)
        .order_by("-valid_from")
        .first()
    )
    row.value = "1800000"
    row.save()
    assert income_bounds(current_table(), today)[0] == 1_800_000
    return 1_800_000


def test_income_offered_by_default_is_todays_floor(client, office, users, higher_floor):
    client.force_login(users["official"])
    person = make_person(office, "Nguyễn Văn Sàn")
    page = client.get(reverse("vsi_enrol", args=[person.pk]))
    assert page.status_code == 200
    assert page.context["form"]["income"].value() == higher_floor
    assert page.context["quote_error"] is None
    assert page.context["quote"].income == higher_floor
    counsel = client.get(reverse("counsel"))
    assert counsel.context["form"]["income"].value() == higher_floor
    job = client.get(reverse("counsel"), {"tab": "job"})
    assert job.context["form"]["income"].value() == higher_floor


def _in_force(key):
    today = date.today()
    return (
        Parameter.objects.filter(key=key, province="", valid_from__lte=today)
        .order_by("-valid_from")
        .first()
    )


def test_near_pension_prospects_follow_the_tables_minimum_years(office, users):
    """15 years for a pension (and at most 5 missing years bought) are table rows."""
    from ansinh.campaigns import prospects
    from ansinh.registry.models import CompulsoryPeriod

    today = date.today()
    row = _in_force("pension.min_years")
    row.value = "20"
    row.save()
    born = date(today.year - 57, today.month, 1)
    for name, start, end in (
        ("Mười bảy năm", date(2001, 1, 1), date(2017, 12, 1)),  # 17 years: 3 short of 20
        ("Mười ba năm", date(2005, 1, 1), date(2017, 12, 1)),  # 13 years: 7 short
    ):
        person = make_person(office, name, sex="F", birth_date=born)
        CompulsoryPeriod.objects.create(person=person, start=start, end=end, salary=5_000_000)
    rows = prospects.near_pension(users["official"])
    assert [(r.person.full_name, r.short) for r in rows] == [("Mười bảy năm", 36)]
    row = _in_force("vsi.missing_years.max_years")
    row.value = "8"
    row.save()
    rows = prospects.near_pension(users["official"])
    assert [(r.person.full_name, r.short) for r in rows] == [
        ("Mười bảy năm", 36),
        ("Mười ba năm", 84),
    ]


def test_hi_card_periods_offered_are_the_tables(client, office, users):
    """hi.periods is a table row (UNCONFIRMED under Decree 188): the forms offer what it says."""
    row = _in_force("hi.periods")
    row.value = "6,12"
    row.save()
    client.force_login(users["official"])
    person = make_person(office, "Trần Văn Thẻ")
    page = client.get(reverse("hi_enrol", args=[person.household_id]))
    assert [v for v, _label in page.context["form"].fields["period_months"].choices] == [6, 12]
    counsel = client.get(reverse("counsel"), {"tab": "hi"})
    assert [v for v, _label in counsel.context["form"].fields["months"].choices] == [6, 12]
