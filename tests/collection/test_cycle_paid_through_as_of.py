"""Past cycles read each enrolment's paid-through month as of the issue date (decision 0016's
`historical` lists, for the demo and the lapse-risk history): one grouped MAX over the
contribution months paid by then, joined in (collection.cycle._with_paid_through_as_of).

The reference is the way it was read before: a correlated subquery per enrolment, the latest
of its months whose receipt was paid by the issue date. Receipts paid after the issue date,
back payments of old months paid late, advances, and a person's earlier (stopped) enrolment
must give the same month, and the same lists."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import OuterRef, Subquery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.collection import cycle
from ansinh.collection.cycle import issue_cycle, issue_date
from ansinh.collection.models import CycleEntry
from ansinh.common.text import add_months
from ansinh.enrolment.models import ContributionMonth, VsiEnrolment
from tests.factories import enrol, record_receipt

from .conftest import CYCLE

pytestmark = pytest.mark.django_db

ON = issue_date(CYCLE)  # 25/10/2026
FIRST = date(2025, 6, 1)

#: One receipt: months skipped before it, months it pays, the day it was paid (from the
#: issue date: before, on, or after it).
RECEIPT = st.tuples(
    st.integers(0, 2),
    st.integers(1, 4),
    st.one_of(st.just(0), st.just(1), st.integers(-400, 90)),
)
PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(["1", "3", "6", "12"]),
        st.sampled_from([None, "stopped before", "stopped after"]),
        st.lists(RECEIPT, max_size=6),
    ),
    min_size=1,
    max_size=5,
)
EXAMPLES = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _old_paid_through(on: date):
    """The paid-through month as of `on`, as it was read before: per enrolment."""
    return Subquery(
        ContributionMonth.objects.filter(
            person_id=OuterRef("person_id"), enrolment=OuterRef("pk"), receipt__paid_on__lte=on
        )
        .order_by("-month")
        .values("month")[:1]
    )


def _old_with_paid_through_as_of(qs, on: date):
    return qs, _old_paid_through(on)


def _pay(e, receipts, n: int, first: date = FIRST) -> date:
    """Record `receipts` for enrolment e from `first`; returns the month after the last."""
    month = first
    for i, (gap, months, days) in enumerate(receipts):
        month = add_months(month, gap)
        record_receipt(e, f"P-{e.pk}-{n}-{i}", month, months, ON + timedelta(days=days))
        month = add_months(month, months)
    return month


def _people(office, people) -> list[VsiEnrolment]:
    """The people's enrolments, their receipts recorded; the first person's first receipt
    paid an earlier enrolment of theirs, stopped before the later one began."""
    enrolments = []
    for n, (method, stopped, receipts) in enumerate(people):
        status = {"stopped before": ON - timedelta(days=30), "stopped after": ON + timedelta(30)}
        e = enrol(office, f"Người Thứ {n}", paid_through=None, method=method, start=FIRST)
        if stopped:
            e.status, e.status_since = "stopped", status[stopped]
            e.save()
        if n == 0 and receipts:
            earlier = VsiEnrolment.objects.create(
                person=e.person,
                start_month=date(2024, 1, 1),
                income=e.income,
                status="stopped",
                status_since=date(2024, 12, 1),
            )
            _pay(earlier, receipts[:1], n, first=date(2024, 1, 1))
            receipts = receipts[1:]
        _pay(e, receipts, n)
        enrolments.append(e)
    return enrolments


def _expected(on: date) -> dict:
    """The latest month paid by `on` per enrolment, in Python."""
    latest: dict[int, date] = {}
    for e, p, m, paid_on in ContributionMonth.objects.values_list(
        "enrolment_id", "person_id", "month", "receipt__paid_on"
    ):
        if paid_on <= on and VsiEnrolment.objects.get(pk=e).person_id == p:
            latest[e] = max(latest.get(e, m), m)
    return latest


@EXAMPLES
@given(people=PEOPLE, days=st.integers(-60, 60))
def test_the_paid_through_as_of_a_day_is_the_one_read_per_enrolment(office, people, days):
    on = ON + timedelta(days=days)
    with transaction.atomic():
        _people(office, people)
        qs, joined = cycle._with_paid_through_as_of(VsiEnrolment.objects.all(), on)
        new = dict(qs.annotate(pt=joined).values_list("pk", "pt"))
        old = dict(VsiEnrolment.objects.annotate(pt=_old_paid_through(on)).values_list("pk", "pt"))
        assert new == old
        assert {k: v for k, v in new.items() if v is not None} == _expected(on)
        transaction.set_rollback(True)


def _entries(run) -> list[tuple]:
    return sorted(
        CycleEntry.objects.filter(run=run).values_list(
            "kind",
            "enrolment_id",
            "status",
            "paid_through",
            "period_start",
            "deadline",
            "months_overdue",
            "months_to_pay",
            "amount",
        )
    )


@EXAMPLES
@given(people=PEOPLE)
def test_the_past_lists_are_the_ones_read_per_enrolment(office, people, monkeypatch):
    with transaction.atomic():
        _people(office, people)
        with transaction.atomic():
            new = _entries(issue_cycle(office.office, CYCLE, historical=True).run)
            transaction.set_rollback(True)
        with monkeypatch.context() as m:
            m.setattr(cycle, "_with_paid_through_as_of", _old_with_paid_through_as_of)
            old = _entries(issue_cycle(office.office, CYCLE, historical=True).run)
        assert new == old
        transaction.set_rollback(True)


def test_months_paid_after_the_issue_date_are_not_paid_then(office):
    """A fixed case: paid through 08/2026 by the 25th, October paid on the 28th."""
    e = enrol(office, "Lê Văn Trễ Hạn", paid_through=None, start=FIRST)
    _pay(e, [(0, 15, -60), (0, 2, 3)], 0)  # 06/2025-08/2026 in August, then 09-10/2026
    run = issue_cycle(office.office, CYCLE, historical=True).run
    row = CycleEntry.objects.get(run=run, enrolment=e)
    assert (row.kind, row.paid_through, row.months_overdue) == ("unpaid", date(2026, 8, 1), 1)
