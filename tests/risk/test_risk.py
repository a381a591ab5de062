"""Lapse risk (decision 0022): features as of the issue date, the model kept as numbers,
reasons, the pages' sort by risk, scope, the command and the schedule's signal."""

from datetime import date, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ansinh.collection.cycle import issue_cycle, issue_date
from ansinh.collection.models import CycleEntry
from ansinh.common.templatetags.ansinh import stored_message
from ansinh.enrolment.models import Receipt
from ansinh.risk import services
from ansinh.risk.features import FEATURES, INDEX, run_features
from ansinh.risk.models import RiskModel
from ansinh.risk.reasons import top_reasons
from tests.collection.conftest import CYCLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(office, cohort):
    return issue_cycle(office.office, CYCLE).run


def _model(office, means=None, **coef) -> RiskModel:
    """A model with chosen numbers: coefficients on standardised features (mean 0 unless
    given, scale 1), so a test can predict its scores by hand."""
    n = len(FEATURES)
    coefficients = [0.0] * n
    for name, c in coef.items():
        coefficients[INDEX[name]] = c
    mean = [0.0] * n
    for name, m in (means or {}).items():
        mean[INDEX[name]] = m
    return RiskModel.objects.create(
        office=office.office,
        as_of=date(2026, 10, 1),
        window_start=date(2025, 1, 1),
        window_end=date(2026, 6, 1),
        horizon_months=2,
        rows=100,
        positives=10,
        features=list(FEATURES),
        coefficients={"due": coefficients, "unpaid": coefficients},
        intercept={"due": -2.0, "unpaid": -2.0},
        means={"due": mean, "unpaid": mean},
        scales={"due": [1.0] * n, "unpaid": [1.0] * n},
        collector_prior=0.1,
        auc=0.8,
        brier=0.05,
    )


def _receipt(enrolment, paid_on, from_month, months=1, number=None):
    return Receipt.objects.create(
        number=number or f"R-{enrolment.pk}-{paid_on.isoformat()}",
        scheme="vsi",
        person=enrolment.person,
        vsi_enrolment=enrolment,
        paid_on=paid_on,
        from_month=from_month,
        months=months,
        income=enrolment.income,
        gross=100,
        amount=100,
    )


# -- features as of the issue date ----------------------------------------------------------


def test_a_payment_after_the_issue_date_does_not_change_the_features(run, cohort):
    before = run_features(run)
    late = cohort["late"]
    t = issue_date(CYCLE)
    # paid late (after the deadline) on the issue day and after it
    _receipt(late, t, date(2026, 9, 1))
    _receipt(late, t + timedelta(days=3), date(2026, 10, 1))
    after = run_features(run)
    assert np.array_equal(before.x, after.x)
    # a late payment before the issue date does count
    _receipt(late, t - timedelta(days=40), date(2026, 7, 1), number="R-before")
    earlier = run_features(run)
    i = earlier.ids.index(CycleEntry.objects.get(run=run, enrolment=late).pk)
    assert earlier.x[i, INDEX["late_payments_24"]] == before.x[i, INDEX["late_payments_24"]] + 1


def test_labels_need_the_horizon_to_have_passed(run, cohort):
    t = issue_date(CYCLE)
    unknown = run_features(run, as_of=t + timedelta(days=10))
    assert (unknown.y == -1).all()
    later = run_features(run, as_of=date(2027, 6, 1))
    assert set(later.y) <= {0, 1} and (later.y == 1).all()  # nobody paid after the list
    late = cohort["late"]
    _receipt(late, t + timedelta(days=5), date(2026, 9, 1))
    paid = run_features(run, as_of=date(2027, 6, 1))
    i = paid.ids.index(CycleEntry.objects.get(run=run, enrolment=late).pk)
    assert paid.y[i] == 0


def test_features_read_the_frozen_row(run, cohort):
    rr = run_features(run)
    entry = CycleEntry.objects.get(run=run, enrolment=cohort["late"])
    row = rr.x[rr.ids.index(entry.pk)]
    assert row[INDEX["unpaid_list"]] == 1
    assert row[INDEX["months_overdue"]] == entry.months_overdue == 1
    assert row[INDEX["mode_monthly"]] == 1
    assert row[INDEX["income_millions"]] == 2.0
    assert row[INDEX["age"]] == pytest.approx(51.4, abs=0.1)


# -- the model as numbers ---------------------------------------------------------------------


def _fit_synthetic(office, seed=3):
    """Both lists' pipelines fitted on drawn rows, stored as numbers, read back."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(600, len(FEATURES))) * 2 + 1
    kinds = np.array(["due", "unpaid"] * 300)
    logit = 1.5 * x[:, INDEX["months_overdue"]] - x[:, INDEX["visited_12"]] - 2
    y = (rng.random(600) < 1 / (1 + np.exp(-logit))).astype(int)
    pipes = services._fit_kinds(x, y, kinds)
    model = RiskModel.objects.create(
        office=office.office,
        as_of=date(2026, 10, 1),
        window_start=date(2025, 1, 1),
        window_end=date(2026, 6, 1),
        horizon_months=2,
        rows=600,
        positives=int(y.sum()),
        features=list(FEATURES),
        **services.numbers(pipes),
    )
    return pipes, RiskModel.objects.get(pk=model.pk), x


def test_the_stored_numbers_score_as_scikit_learn(office):
    pipes, model, x = _fit_synthetic(office)
    for kind in ("due", "unpaid"):
        ours, _terms = services.predict(model, x, kind)
        assert np.allclose(ours, pipes[kind].predict_proba(x)[:, 1], atol=1e-12)
    assert pipes["due"] is not pipes["unpaid"]  # one model per list


def test_reasons_are_the_largest_positive_terms(office):
    from ansinh.risk.reasons import WORDS

    _pipes, model, x = _fit_synthetic(office)
    words = {w: n for n, pair in WORDS.items() for w in pair if w}
    for kind in ("due", "unpaid"):
        _scores, terms = services.predict(model, x, kind)
        for i in range(20):
            reasons = top_reasons(model.features, x[i], terms[i], model.means[kind])
            positive = [j for j in np.argsort(-terms[i]) if terms[i][j] > 0]
            assert len(reasons) <= 3
            # every reason shown is a positive term, in the order of the terms
            ranks = [positive.index(INDEX[words[r[0]]]) for r in reasons]
            assert ranks == sorted(ranks)
            if reasons:
                assert ranks[0] == min(
                    k for k, j in enumerate(positive) if _worded(model, x[i], j, kind)
                )


def _worded(model, row, j, kind) -> bool:
    from ansinh.risk.reasons import WORDS

    high, low = WORDS[FEATURES[j]]
    return (high if row[j] > model.means[kind][j] else low) is not None


def test_reasons_are_worded_in_vietnamese(run, office, cohort):
    # a third of the office's people were visited: not being visited raises the risk
    _model(office, means={"visited_12": 0.3}, months_overdue=1.0, visited_12=-1.0, mode_monthly=0.1)
    services.score_run(run)
    entry = CycleEntry.objects.get(run=run, enrolment=cohort["late"])
    with translation.override("vi"):
        words = [stored_message(r) for r in entry.risk_reasons]
    assert words[0] == "Đã trễ 1 tháng"
    assert "Chưa được cán bộ đến thăm" in words
    with translation.override("en"):
        assert stored_message(entry.risk_reasons[0]) == "Months overdue: 1"


@settings(max_examples=30, deadline=None)
@given(
    coef=st.floats(0.01, 5),
    intercept=st.floats(-5, 5),
    overdue=st.lists(st.integers(0, 12), min_size=2, max_size=10),
)
def test_scores_are_probabilities_and_rise_with_months_overdue(coef, intercept, overdue):
    model = RiskModel(
        features=list(FEATURES),
        coefficients={"unpaid": [coef if n == "months_overdue" else 0.1 for n in FEATURES]},
        intercept={"unpaid": intercept},
        means={"unpaid": [1.0] * len(FEATURES)},
        scales={"unpaid": [2.0] * len(FEATURES)},
    )
    x = np.ones((len(overdue), len(FEATURES)))
    x[:, INDEX["months_overdue"]] = sorted(overdue)
    scores, _ = services.predict(model, x, "unpaid")
    assert ((scores >= 0) & (scores <= 1)).all()
    assert (np.diff(scores) >= 0).all()


# -- pages ------------------------------------------------------------------------------------


def test_the_lists_sort_by_risk_and_show_reasons(client, users, run, office, cohort):
    _model(office, months_overdue=1.0)
    services.score_run(run)
    client.force_login(users["manager"])
    for url in (f"/collection/cycles/{run.pk}/unpaid/", f"/collection/cycles/{run.pk}/due/"):
        assert client.get(url).status_code == 200
    r = client.get(f"/collection/cycles/{run.pk}/unpaid/?sort=risk")
    names = [e.full_name for e in r.context["entries"]]
    risks = [e.risk for e in r.context["entries"]]
    assert risks == sorted(risks, reverse=True) and names[0] == "Võ Văn Năm"  # 7 months overdue
    with translation.override("vi"):
        text = client.get(f"/collection/cycles/{run.pk}/unpaid/?sort=risk").content.decode()
    assert "Đã trễ" in text and 'data-testid="risk-reason"' in text


def test_the_phone_list_sorts_by_risk_within_scope(client, users, run, office, cohort):
    _model(office, months_overdue=1.0)
    services.score_run(run)
    client.force_login(users["collector"])
    r = client.get("/collection/my/?sort=risk")
    assert r.status_code == 200
    entries = [e for g in r.context["groups"] for e in g.entries]
    assert len(r.context["groups"]) == 1
    assert [e.risk for e in entries] == sorted((e.risk for e in entries), reverse=True)
    assert entries[0].full_name == "Võ Văn Năm"
    # another collector's people are not on it, sorted or not
    assert "Huỳnh Văn Viettel" not in r.content.decode()
    assert all(e.collector_id == office.collector.pk for e in entries)


def test_another_collectors_entries_stay_invisible(client, users, run, office):
    _model(office, months_overdue=1.0)
    services.score_run(run)
    client.force_login(users["collector"])
    r = client.get(f"/collection/cycles/{run.pk}/due/?sort=risk")
    assert r.status_code == 200
    assert "Huỳnh Văn Viettel" not in r.content.decode()


def test_pages_say_what_to_run_when_no_model(client, users, run):
    client.force_login(users["manager"])
    with translation.override("vi"):
        text = client.get(f"/collection/cycles/{run.pk}/unpaid/?sort=risk").content.decode()
    assert "Chưa có mô hình" in text and "ansinh risk train" in text


def test_the_risk_page(client, users, office):
    client.force_login(users["manager"])
    with translation.override("vi"):
        assert "Chưa có mô hình" in client.get("/risk/").content.decode()
    _model(office)
    r = client.get("/risk/")
    assert r.status_code == 200 and "0,800" in r.content.decode()  # AUC, Vietnamese decimals
    client.force_login(users["collector"])
    assert client.get("/risk/").status_code == 403


# -- command and schedule ---------------------------------------------------------------------


def test_the_command_without_history_says_so(run):
    with pytest.raises(CommandError, match="no model trained"):
        call_command("risk", "train", stdout=StringIO())
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("risk", "score", stdout=out)
    assert "ansinh risk train" in out.getvalue()


def test_the_command_scores_with_the_latest_model(run, office):
    _model(office, months_overdue=1.0)
    out = StringIO()
    call_command("risk", "score", stdout=out)
    assert f"{run.entries.count()} rows scored" in out.getvalue()
    assert not CycleEntry.objects.filter(run=run, risk__isnull=True).exists()
    call_command("risk", "show", stdout=out)
    assert "AUC 0.800" in out.getvalue()


def test_a_new_cycle_is_scored_when_committed(office, cohort, django_capture_on_commit_callbacks):
    _model(office, months_overdue=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        run = issue_cycle(office.office, CYCLE).run
    assert not CycleEntry.objects.filter(run=run, risk__isnull=True).exists()


def test_the_riskiest_of_a_place_for_campaigns_within_scope(run, office, users):
    from ansinh.risk.queries import at_risk_in, riskiest
    from tests.factories import HOA_LONG

    _model(office, months_overdue=1.0)
    services.score_run(run)
    mine = at_risk_in(users["manager"], HOA_LONG)
    assert mine and [e.risk for e in mine] == sorted((e.risk for e in mine), reverse=True)
    assert all(e.commune_id == HOA_LONG for e in mine)
    # Viettel's collector sees none of the post office's people
    viettel = users["postmgr"].__class__.objects.create(
        username="vt", role="collector", collector=office.other_collector
    )
    assert not [e for e in at_risk_in(viettel, HOA_LONG) if e.collector_id == office.collector.pk]
    top = riskiest(users["collector"], run)
    assert top and all(e.collector_id == office.collector.pk for e in top)
