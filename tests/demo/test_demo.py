"""The small demo builds, is consistent with the rules engine, and runs twice harmlessly."""

import re
from collections import defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Sum

from ansinh.accounts.models import Role, User
from ansinh.accounts.scope import scope_for
from ansinh.collection.models import Collector, Organisation
from ansinh.enrolment.models import (
    ContributionMonth,
    HiEnrolment,
    Receipt,
    VsiEnrolment,
)
from ansinh.parameters.table import current_table
from ansinh.places.models import Hamlet, Office
from ansinh.registry.models import (
    CompulsoryPeriod,
    Household,
    Person,
    SupportMembership,
)
from ansinh.rules.hi import hi_quote
from ansinh.rules.months import Month
from ansinh.rules.vsi import payment_deadline, vsi_quote

TODAY = date(2026, 11, 22)
COMMUNES = {"30208", "30226", "30235", "30214"}
MODELS = [
    Person,
    Household,
    SupportMembership,
    CompulsoryPeriod,
    VsiEnrolment,
    HiEnrolment,
    Receipt,
    ContributionMonth,
    User,
    Collector,
    Organisation,
    Hamlet,
    Office,
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Build the small demo once for the module, inside a transaction rolled back after."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            out = StringIO()
            call_command("demo", "--small", "--today", TODAY.isoformat(), stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_sizes(demo):
    assert "Demo population built" in demo
    assert 1900 <= HiEnrolment.objects.count() <= 2100
    assert VsiEnrolment.objects.values("person").distinct().count() == 300
    assert Collector.objects.count() == 24
    assert Receipt.objects.filter(scheme="vsi").exists()
    assert Receipt.objects.filter(scheme="hi").exists()


def test_paid_through_is_the_last_month_paid(demo):
    rows = VsiEnrolment.objects.annotate(last=Max("contribution_months__month"))
    assert rows.count() > 0
    assert not rows.exclude(paid_through=F("last")).exists()
    assert not VsiEnrolment.objects.filter(paid_through__isnull=True).exists()


def test_receipts_agree_with_their_months(demo):
    vsi = Receipt.objects.filter(scheme="vsi").annotate(
        g=Sum("contribution_months__gross"),
        s=Sum("contribution_months__support"),
        n=Count("contribution_months"),
    )
    assert not vsi.exclude(gross=F("g"), support=F("s"), months=F("n")).exists()
    assert not Receipt.objects.exclude(gross=F("support") + F("amount")).exists()
    assert not ContributionMonth.objects.exclude(month__day=1).exists()
    months = ContributionMonth.objects.select_related("receipt")[:2000]
    for m in months:
        assert m.receipt.from_month <= m.month
        assert m.income == m.receipt.income
        assert m.enrolment_id == m.receipt.vsi_enrolment_id
        assert m.person_id == m.receipt.person_id


def test_vsi_amounts_come_from_the_rules_engine(demo):
    table = current_table()
    groups = defaultdict(list)
    for sm in SupportMembership.objects.all():
        groups[sm.person_id].append(sm)
    for r in Receipt.objects.filter(scheme="vsi"):
        start = r.from_month
        in_force = tuple(g.group for g in groups[r.person_id] if g.covers(start))
        q = vsi_quote(table, r.income, in_force, start, months=r.months, province="82")
        assert (r.gross, r.support, r.amount) == (q.gross_total, q.support_total, q.net_total)


def test_hi_amounts_come_from_the_ladder(demo):
    table = current_table()
    for r in Receipt.objects.filter(scheme="hi")[:3000]:
        assert r.household_id is not None
        assert r.amount == hi_quote(table, r.members, r.paid_on, r.months).total
    enrolled = HiEnrolment.objects.values("household").annotate(
        n=Count("id"), top=Max("member_order")
    )
    assert all(row["n"] == row["top"] for row in enrolled)


def test_mostly_paid_on_time(demo):
    table = current_table()
    receipts = list(Receipt.objects.filter(scheme="vsi").values("from_month", "months", "paid_on"))
    late = sum(
        r["paid_on"] > payment_deadline(r["months"], Month.of(r["from_month"]), table).last_day()
        for r in receipts
    )
    assert late / len(receipts) < 0.03
    assert not Receipt.objects.filter(paid_on__gt=TODAY).exists()


def test_statuses_follow_the_deadline_rule(demo):
    statuses = set(VsiEnrolment.objects.values_list("status", flat=True))
    assert {"active", "suspended", "stopped"} <= statuses
    assert not VsiEnrolment.objects.filter(status="stopped", stop_reason="").exists()
    assert not VsiEnrolment.objects.exclude(status="stopped").exclude(stop_reason="").exists()
    table = current_table()
    this_month = Month.of(TODAY)
    for e in VsiEnrolment.objects.exclude(status="stopped"):
        next_period = Month.of(e.paid_through) + 1
        deadline = payment_deadline(int(e.method), next_period, table)
        expected = "active" if deadline >= this_month - 1 else "suspended"
        assert e.status == expected, (e.pk, e.paid_through, e.method)
    # at most one open enrolment per person, and months never overlap
    assert (
        not ContributionMonth.objects.values("person", "month")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )


def test_people_look_vietnamese_and_live_in_the_office_area(demo):
    assert set(Person.objects.values_list("commune_id", flat=True).distinct()) <= COMMUNES
    assert set(Household.objects.values_list("commune_id", flat=True).distinct()) <= COMMUNES
    for p in Person.objects.all():
        words = p.full_name.split()
        assert len(words) >= 2
        if p.sex == "F":
            assert "Văn" not in words[1:-1], p.full_name
        else:
            assert "Thị" not in words[1:-1], p.full_name
        if p.birth_year_only:
            assert p.birth_date.month == p.birth_date.day == 1
            assert 16 <= TODAY.year - p.birth_date.year <= 71, p.birth_date
        else:
            age = (TODAY - p.birth_date).days / 365.25
            assert 16 <= age <= 71, (p.full_name, p.birth_date)
        if p.cccd:
            assert re.fullmatch(r"0\d{11}", p.cccd)
            century = 0 if p.birth_date.year < 2000 else 2
            assert int(p.cccd[3]) == century + (p.sex == "F")
            assert p.cccd[4:6] == f"{p.birth_date.year % 100:02d}"
        if p.si_code:
            assert re.fullmatch(r"87\d{8}", p.si_code)
        if p.phone:
            assert re.fullmatch(r"0[3789]\d{8}", p.phone)
        if p.hamlet_id:
            assert p.hamlet.commune_id == p.commune_id
    assert Person.objects.filter(full_name__contains=" Thị ").count() > 100
    assert Person.objects.exclude(ethnicity="Kinh").exists()


def test_likely_duplicates_share_a_cccd(demo):
    shared = Person.objects.exclude(cccd="").values("cccd").annotate(n=Count("id")).filter(n=2)
    assert shared.count() == 2
    person = Person.objects.filter(cccd=shared[0]["cccd"]).first()
    assert person.likely_duplicates().count() == 1


def test_collectors_and_receipts(demo):
    assert not Receipt.objects.filter(collector__isnull=True).exists()
    assert not Receipt.objects.exclude(organisation=F("collector__organisation")).exists()
    numbers = Receipt.objects.values_list("number", flat=True)
    assert all(re.fullmatch(r"BL20\d{8}", n) for n in numbers)
    assert not VsiEnrolment.objects.filter(person__collector__isnull=True).exists()


def test_compulsory_periods(demo):
    periods = CompulsoryPeriod.objects.all()
    assert periods.exists()
    assert all(4_000_000 <= p.salary <= 8_000_000 for p in periods)
    assert VsiEnrolment.objects.filter(stop_reason="compulsory").exists()


def test_one_user_per_role_with_a_scope(demo):
    for role in Role.values:
        assert User.objects.filter(role=role).exists(), role
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("ansinh2025")
    collector = User.objects.get(username="thuho")
    assert Person.objects.restrict(collector).exists()
    assert not Person.objects.restrict(collector).exclude(collector=collector.collector).exists()
    leader = User.objects.get(username="xa")
    assert set(Person.objects.restrict(leader).values_list("commune_id", flat=True)) == {"30208"}
    manager = User.objects.get(username="quanly")
    assert scope_for(manager).communes == frozenset(COMMUNES)
    office = Office.objects.get(code="HOALONG")
    assert office.name_on(date(2024, 1, 1)) == "Bảo hiểm xã hội huyện Lai Vung"
    assert office.name_on(date(2025, 7, 1)) == "Bảo hiểm xã hội cơ sở Hòa Long"
    assert office.parent.code == "DONGTHAP"


def test_second_run_adds_nothing_and_prints_the_accounts(demo):
    before = {m.__name__: m.objects.count() for m in MODELS}
    out = StringIO()
    call_command("demo", "--small", "--today", TODAY.isoformat(), stdout=out)
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    text = out.getvalue()
    for username in ("admin", "quanly", "canbo", "buudien", "thuho", "xa"):
        assert username in text
    assert "ansinh2025" in text


def test_populations_agree_with_the_people(demo):
    """HI coverage reads like the field reports (92-96% of a commune), hamlets sum to the
    commune, and the rates differ from one commune (and hamlet) to the next."""
    from ansinh.places.models import Commune

    cards = HiEnrolment.objects.filter(start_month__lte=TODAY, card_to__gte=TODAY).exclude(
        status="stopped"
    )
    coverage = set()
    for c in Commune.objects.filter(code__in=COMMUNES):
        insured = cards.filter(person__commune=c).count()
        assert 0.91 <= insured / c.population <= 0.97, (c.code, insured, c.population)
        assert 0.59 <= c.working_age_population / c.population <= 0.67
        hamlets = Hamlet.objects.filter(commune=c)
        assert sum(h.population for h in hamlets) == c.population
        coverage.add(round(insured / c.population, 3))
        for h in hamlets:
            assert cards.filter(person__hamlet=h).count() <= h.population
    assert len(coverage) > 1
