"""The demo's past cycles: lists issued month by month, reasons, visits, ~98% on time."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

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
    assert CycleRun.objects.count() == 12
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
