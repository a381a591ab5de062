"""The demo's past cycles: lists issued month by month, reasons, visits, ~98% on time."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from ansinh.accounts.models import User
from ansinh.collection.models import CycleRun, FollowUpVisit, NonPaymentReason
from ansinh.collection.queries import measures
from ansinh.rules.months import Month

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("demo", "--small", "--today", TODAY.isoformat(), stdout=StringIO())
            yield
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_past_cycles_reasons_and_visits(demo):
    assert CycleRun.objects.count() == 18
    assert CycleRun.objects.order_by("-month").first().month == date(2026, 10, 1)
    assert NonPaymentReason.objects.count() > 0
    assert FollowUpVisit.objects.exists()
    codes = set(NonPaymentReason.objects.values_list("code", flat=True))
    assert {"hardship", "away"} <= codes


def test_on_time_rate_is_about_98_percent(demo):
    manager = User.objects.get(username="quanly")
    data = measures(manager, Month(2026, 10), 11)
    due = sum(r["due"] for r in data["rows"])
    paid = sum(r["paid"] for r in data["rows"])
    assert due > 100
    assert 0.95 <= paid / due <= 0.995, paid / due


def test_past_cycles_suspend_and_reasons_come_in_by_the_20th(demo):
    from ansinh.collection.cycle import reasons_due
    from ansinh.collection.queries import end_of

    runs = list(CycleRun.objects.order_by("month"))
    assert sum(r.suspended_count for r in runs) > 0
    assert all(r.suspended_count <= r.unpaid_count for r in runs)
    on_time = late = 0
    for run in runs:
        due = end_of(reasons_due(Month.of(run.month)))
        reasons = NonPaymentReason.objects.filter(entry__run=run)
        on_time += reasons.filter(reported_at__lte=due).count()
        late += reasons.filter(reported_at__gt=due).count()
        first = date(run.month.year, run.month.month, 25)
        assert not reasons.filter(reported_at__date__lt=first).exists()
    assert late > 0 and on_time / (on_time + late) > 0.8, (on_time, late)


def test_collection_points_and_areas(demo):
    from ansinh.collection.models import CollectionPoint, Collector, ServedArea

    points = CollectionPoint.objects.all()
    assert {p.organisation.kind for p in points} == {"post", "viettel", "other"}
    assert points.values("commune").distinct().count() == 4
    assert not points.filter(hamlet__isnull=True).exists()
    assert Collector.objects.filter(point__isnull=False).count() >= 20
    assert not Collector.objects.exclude(point=None).exclude(point__commune=F("commune")).exists()
    assert ServedArea.objects.filter(collector=None).count() >= 9


def test_the_demo_trains_a_lapse_risk_model_and_scores_the_lists(demo, client):
    """decision 0022: the demo's lists show scores and reasons, from a model measured on
    later months than it was trained on."""
    from ansinh.collection.models import CycleEntry
    from ansinh.risk.models import RiskModel

    model = RiskModel.objects.get()
    assert model.test_from > model.window_start and model.test_rows > 0
    assert 0 <= model.brier <= 1 and 0.5 < model.auc <= 1
    latest = CycleRun.objects.order_by("-month").first()
    assert not CycleEntry.objects.filter(run=latest, risk__isnull=True).exists()
    client.force_login(User.objects.get(username="thuho"))
    r = client.get("/collection/my/?sort=risk")
    entries = [e for g in r.context["groups"] for e in g.entries]
    assert entries and [e.risk for e in entries] == sorted((e.risk for e in entries), reverse=True)
    assert 'data-testid="risk-reason"' in r.content.decode()
