"""The cycle as the scheduled job and the button run it: outside any transaction, so on
PostgreSQL its lists are streamed from a second connection on the same snapshot (decision
0016). On SQLite the same tests run the one-statement INSERT ... SELECT."""

import pytest
from django.db import IntegrityError, connection, transaction

from ansinh.collection import cycle
from ansinh.collection.cycle import issue_cycle
from ansinh.collection.models import CycleEntry, CycleRun
from ansinh.enrolment.models import VsiEnrolment, VsiStatus

from .conftest import CYCLE

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"


def entries(run):
    """The run's entries, every field but the ids, in a stable order."""
    fields = [f.attname for f in CycleEntry._meta.concrete_fields if f.name not in ("id", "run")]
    return sorted(CycleEntry.objects.filter(run=run).values_list(*fields))


@pytest.fixture
def streams(monkeypatch):
    """How many times the lists were streamed."""
    calls = []
    real = cycle.stream_insert

    def counted(*args):
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(cycle, "stream_insert", counted)
    return calls


def test_streamed_lists_are_the_one_statement_lists(office, cohort, streams):
    with transaction.atomic():  # inside a transaction: one INSERT ... SELECT
        single = entries(issue_cycle(office.office, CYCLE).run)
        transaction.set_rollback(True)
    assert streams == []
    assert not CycleRun.objects.exists()
    result = issue_cycle(office.office, CYCLE)  # as the job runs it
    assert streams == (["collection_cycleentry"] if POSTGRES else [])
    streamed = entries(result.run)
    assert len(streamed) == 4 and streamed == single
    amounts = dict(CycleEntry.objects.filter(run=result.run).values_list("full_name", "amount"))
    assert all(amounts.values())  # every frozen quote joined in
    # suspended in the same transaction, after the lists read their status as found
    assert {s for (s,) in CycleEntry.objects.filter(kind="unpaid").values_list("status")} == {
        VsiStatus.ACTIVE
    }
    cohort["late"].refresh_from_db()
    assert cohort["late"].status == VsiStatus.SUSPENDED


def test_a_failure_while_streaming_leaves_nothing(office, cohort, monkeypatch):
    """The reader's SELECT fails half-way: no run, no entry, nobody suspended."""
    real = cycle._list_select

    def failing(qs, kind, *args):
        sql, params = real(qs, kind, *args)
        if kind == "unpaid":  # the second half of the stream fails at its first row
            sql += (
                " WHERE 1 / (sub.x_income - sub.x_income) = 1"
                if POSTGRES
                else " WHERE json('not json') IS NULL"
            )
        return sql, params

    monkeypatch.setattr(cycle, "_list_select", failing)
    with pytest.raises(Exception, match="division by zero|malformed JSON"):
        issue_cycle(office.office, CYCLE)
    assert not CycleRun.objects.exists() and not CycleEntry.objects.exists()
    assert not VsiEnrolment.objects.filter(status=VsiStatus.SUSPENDED).exists()
    monkeypatch.setattr(cycle, "_list_select", real)
    assert issue_cycle(office.office, CYCLE).run.unpaid_count == 2  # and it runs again


def test_a_row_the_table_refuses_leaves_nothing(office, cohort, monkeypatch):
    """The writer refuses a row (a negative months-overdue breaks the table's check) while
    the reader is still sending: Django's IntegrityError, no run, nobody suspended."""
    real = cycle._list_select

    def refused(qs, kind, *args):
        sql, params = real(qs, kind, *args)
        if kind == "unpaid":
            column = 'sub."x_months_overdue"'
            assert column in sql
            sql = sql.replace(column, "-1", 1)
        return sql, params

    monkeypatch.setattr(cycle, "_list_select", refused)
    with pytest.raises(IntegrityError):
        issue_cycle(office.office, CYCLE)
    assert not CycleRun.objects.exists() and not CycleEntry.objects.exists()
    assert not VsiEnrolment.objects.filter(status=VsiStatus.SUSPENDED).exists()
