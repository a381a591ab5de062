"""Lapse risk walked through (decision 0022): the office has a model; the manager issues the
lists with the button and they come scored (the cycle_issued signal); the unpaid list opens
highest risk first with each row's reasons; the collector's phone list sorts by risk too."""

from datetime import date

import pytest
from playwright.sync_api import expect

from ansinh.collection.models import CycleEntry
from ansinh.risk.features import FEATURES, INDEX
from ansinh.risk.models import RiskModel
from ansinh.rules.months import Month
from tests.factories import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def _model(office):
    n = len(FEATURES)
    coef = [0.0] * n
    coef[INDEX["months_overdue"]] = 1.0
    coef[INDEX["visited_12"]] = -1.0
    means = [0.0] * n
    means[INDEX["visited_12"]] = 0.3
    return RiskModel.objects.create(
        office=office.office,
        as_of=date.today(),
        window_start=date(2025, 1, 1),
        window_end=date(2026, 1, 1),
        horizon_months=2,
        rows=1000,
        positives=80,
        features=list(FEATURES),
        coefficients={"due": coef, "unpaid": coef},
        intercept={"due": -3.0, "unpaid": -1.0},
        means={"due": means, "unpaid": means},
        scales={"due": [1.0] * n, "unpaid": [1.0] * n},
        auc=0.81,
        brier=0.05,
    )


def test_risk_walk(live_server, new_page, login, users, office, shot):
    this_month = Month.of(date.today())
    cycle = this_month - 1
    enrol(office, "Lê Văn Trễ", paid_through=(this_month - 3).first_day())
    enrol(office, "Phạm Thị Lâu", paid_through=(this_month - 6).first_day())
    enrol(office, "Nguyễn Văn Đến", paid_through=cycle.first_day())
    _model(office)
    base = live_server.url

    manager = new_page()
    login(manager, live_server, "manager")
    manager.goto(f"{base}/collection/")
    manager.fill("input[name=month]", str(cycle))
    manager.click("#issue-lists")
    expect(manager.locator("article.cycle-org").first).to_be_visible()
    assert not CycleEntry.objects.filter(risk__isnull=True).exists()  # scored on issue

    manager.click("[data-testid=unpaid-page]")
    rows = manager.locator("article.entry")
    expect(rows.first).to_contain_text("Phạm Thị Lâu")  # the longest overdue first
    expect(rows.first.locator("[data-testid=risk]")).to_contain_text("Nguy cơ bỏ đóng")
    expect(rows.first.locator("[data-testid=risk-reason]").first).to_contain_text("Đã trễ")
    expect(rows.first).to_contain_text("Chưa được cán bộ đến thăm")
    shot(manager, "unpaid-by-risk")
    manager.click("[data-testid=sort-name]")
    expect(rows.first).to_contain_text("Lê Văn Trễ")  # by name again

    manager.goto(f"{base}/risk/")
    expect(manager.locator("[data-testid=risk-model]")).to_contain_text("0,810")

    collector = new_page(phone=True)
    login(collector, live_server, "collector")
    collector.goto(f"{base}/collection/my/")
    collector.click("[data-testid=sort-risk]")
    entries = collector.locator("[data-testid=entry]")
    expect(entries.first).to_contain_text("Phạm Thị Lâu")
    expect(entries.first.locator("[data-testid=risk-reason]").first).to_be_visible()
    shot(collector, "my-list-by-risk")
