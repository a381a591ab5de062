from datetime import date

import pytest
from django.core.management import call_command

from ansinh.collection.choices import ListKind
from ansinh.collection.cycle import issue_cycle
from ansinh.collection.models import CycleEntry, CycleList, CycleRun
from ansinh.enrolment.models import VsiStatus
from ansinh.parameters.table import current_table
from ansinh.rules.vsi import vsi_quote
from tests.factories import supported_history

from .conftest import CYCLE, enrol

pytestmark = pytest.mark.django_db


def names(run, kind, **kw):
    return set(
        CycleEntry.objects.filter(run=run, kind=kind, **kw).values_list("full_name", flat=True)
    )


def test_cycle_lists_due_and_unpaid(office, cohort):
    result = issue_cycle(office.office, CYCLE)
    run = result.run
    assert result.created
    assert names(run, ListKind.DUE) == {"Nguyễn Văn Đến", "Huỳnh Văn Viettel"}
    assert names(run, ListKind.UNPAID) == {"Lê Văn Trễ", "Võ Văn Năm"}
    late = CycleEntry.objects.get(run=run, kind=ListKind.UNPAID, full_name="Lê Văn Trễ")
    assert late.months_overdue == 1  # September; October is not late yet
    assert late.period_start == date(2026, 9, 1)
    assert late.deadline == date(2026, 9, 1)
    assert late.phone == "0912345678"
    assert late.hamlet_name == "Ấp Long Hưng A"
    yearly = CycleEntry.objects.get(run=run, full_name="Võ Văn Năm")
    assert yearly.deadline == date(2026, 9, 1) and yearly.months_overdue == 7
    q = vsi_quote(
        current_table(), 3_000_000, ("other",), date(2026, 10, 25), months=12, province="82"
    )
    assert yearly.amount == q.net_total and yearly.months_to_pay == 12
    due = CycleEntry.objects.get(run=run, full_name="Nguyễn Văn Đến")
    assert (
        due.amount
        == vsi_quote(
            current_table(), 2_000_000, ("other",), date(2026, 11, 1), province="82"
        ).net_total
    )
    # lists per organisation and per collector
    post = CycleList.objects.get(
        run=run, kind=ListKind.DUE, organisation=office.post, collector=None
    )
    assert post.count == 1 and post.amount == due.amount
    assert CycleList.objects.filter(run=run, collector=office.collector).count() == 2
    assert (run.due_count, run.unpaid_count) == (2, 2)
    # a missed deadline suspends
    cohort["late"].refresh_from_db()
    assert cohort["late"].status == VsiStatus.SUSPENDED
    assert run.suspended_count == 2


def test_support_group_lowers_the_amount(office, cohort):
    from ansinh.registry.models import SupportMembership

    SupportMembership.objects.create(
        person=cohort["late"].person, group="poor", valid_from=date(2026, 1, 1)
    )
    run = issue_cycle(office.office, CYCLE).run
    late = CycleEntry.objects.get(run=run, full_name="Lê Văn Trễ")
    q = vsi_quote(current_table(), 2_000_000, ("poor",), date(2026, 10, 25), province="82")
    assert late.amount == q.net_total and late.group_rank > 0


def test_cycle_is_idempotent_and_frozen(office, cohort):
    first = issue_cycle(office.office, CYCLE)
    before = list(CycleEntry.objects.filter(run=first.run).values_list("id", "full_name", "amount"))
    person = cohort["due"].person
    person.full_name = "Tên Mới"
    person.save()
    cohort["due"].paid_through = date(2026, 12, 1)
    cohort["due"].save()
    again = issue_cycle(office.office, CYCLE)
    assert not again.created and again.run.pk == first.run.pk
    after = list(CycleEntry.objects.filter(run=first.run).values_list("id", "full_name", "amount"))
    assert before == after
    assert CycleRun.objects.count() == 1


def test_command_run_is_idempotent(office, cohort, capsys):
    call_command("cycle", "run", "--month", "2026-10")
    call_command("cycle", "run", "--month", "2026-10")
    out = capsys.readouterr().out
    assert "issued: 2 due, 2 unpaid" in out and "already issued" in out
    assert CycleRun.objects.count() == 1


def test_historical_cycle_reads_paid_through_from_receipts(office, cohort, users):
    """Past cycles (for the demo) use what was paid by the 25th of that month."""
    from ansinh.enrolment.services import ReceiptInput, record_vsi_receipt

    e = cohort["late"]
    record_vsi_receipt(users["manager"], e, ReceiptInput("R-H1", date(2026, 10, 28), 2))
    run = issue_cycle(office.office, CYCLE, historical=True).run
    assert "Lê Văn Trễ" not in names(run, ListKind.UNPAID)  # no months recorded before then


YEARLY = {"income": 3_000_000}


def test_the_lists_apply_the_120_month_support_cap(office):
    """January 2028: a yearly payer due from February with 115 supported months used gets 5
    more supported months, not 12; one with 60 used gets the whole year supported."""
    from ansinh.rules.months import Month

    near = enrol(office, "Cao Văn Gần Trần", paid_through=date(2028, 1, 1), method="12", **YEARLY)
    far = enrol(office, "Lý Thị Còn Xa", paid_through=date(2028, 1, 1), method="12", **YEARLY)
    supported_history(near, 115, group=None, first=date(2018, 7, 1))  # to 01/2028
    supported_history(far, 60, group=None, first=date(2023, 2, 1))
    run = issue_cycle(office.office, Month(2028, 1)).run
    amounts = dict(
        CycleEntry.objects.filter(run=run, kind=ListKind.DUE).values_list("full_name", "amount")
    )

    def quote(used):
        return vsi_quote(
            current_table(),
            YEARLY["income"],
            ("other",),
            date(2028, 2, 1),
            months=12,
            province="82",
            support_months_used=used,
        )

    assert quote(115).supported_months == 5
    assert amounts["Cao Văn Gần Trần"] == quote(115).net_total > quote(0).net_total
    assert amounts["Lý Thị Còn Xa"] == quote(60).net_total == quote(0).net_total
    due = CycleList.objects.get(run=run, kind=ListKind.DUE, collector=None)
    assert due.amount == quote(115).net_total + quote(0).net_total  # the list's total too
