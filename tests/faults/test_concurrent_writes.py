"""Concurrency (issue 13 item 2), on PostgreSQL with real concurrency: each writer is a
thread with its own connection (transaction=True: everything committed, as in production).
Each test holds the first writer inside its transaction, proves from pg_stat_activity that
the second one is *waiting on its locks*, lets the first commit, and checks that nothing is
doubled, nothing lost, and the one that waited gets a clear message (Vietnamese first).

SQLite serialises writers (BEGIN IMMEDIATE): the same races run there as processes on a
file database in test_concurrent_processes.py.
"""

import threading
import time
from datetime import date

import pytest
from django.db import connection
from django.utils import translation

from ansinh.collection import cycle, imports
from ansinh.collection.choices import ImportStatus, ListKind
from ansinh.collection.models import CycleEntry, CycleRun
from ansinh.enrolment.models import ContributionMonth, Receipt, VsiEnrolment
from ansinh.enrolment.services import ReceiptInput, record_vsi_receipt
from tests.collection.conftest import CYCLE
from tests.collection.test_imports import PAID, csv_bytes, row, run
from tests.factories import enrol

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="PostgreSQL: real concurrent writers"
    ),
]


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


class Thread(threading.Thread):
    """A writer in a thread of its own (and so a connection of its own)."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args, self.result, self.error = fn, args, None, None

    def run(self):
        try:
            with translation.override("vi"):
                self.result = self.fn(*self.args)
        except Exception as exc:  # handed to the test
            self.error = exc
        finally:
            connection.close()


def waiting_on_a_lock(n=1, patience=120.0):
    """Wait until `n` other backends of this database wait on a lock (not a timed
    assertion: a guard against a hang)."""
    end = time.monotonic() + patience
    with connection.cursor() as cur:
        while time.monotonic() < end:
            cur.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cur.fetchone()[0] >= n:
                return True
            time.sleep(0.01)
    return False


class Gate:
    """Holds the first caller of a step inside its transaction until opened."""

    def __init__(self):
        self.reached, self.opened, self.first = threading.Event(), threading.Event(), None

    def hold(self):
        if self.first is None:
            self.first = threading.current_thread()
        if threading.current_thread() is self.first:
            self.reached.set()
            assert self.opened.wait(120)


@pytest.fixture
def people(office, users):
    return [enrol(office, f"Người {i}", paid_through=date(2026, 10, 1)) for i in range(6)]


@pytest.fixture
def gate_in_import_write(monkeypatch):
    """The first import to have locked its enrolments (the writer's first step) is held."""
    gate = Gate()

    def checkpoint(stage, done):
        if stage == "paid_through":
            gate.hold()

    monkeypatch.setattr(imports, "checkpoint", checkpoint)
    return gate


def ledger():
    return (
        sorted(Receipt.objects.values_list("number", "person_id", "from_month", "months")),
        ContributionMonth.objects.count(),
        sorted(VsiEnrolment.objects.values_list("pk", "paid_through", "status")),
    )


def test_two_overlapping_files_at_once_each_receipt_once(users, people, gate_in_import_write):
    user = users["postmgr"]
    first = csv_bytes([row(f"BL-{i}", people[i]) for i in range(0, 4)])
    second = csv_bytes([row(f"BL-{i}", people[i]) for i in range(2, 6)])
    a = Thread(run, user, first, "a.csv")
    a.start()
    assert gate_in_import_write.reached.wait(120)
    b = Thread(run, user, second, "b.csv")
    b.start()
    assert waiting_on_a_lock(), "the second file did not wait for the first"
    gate_in_import_write.opened.set()
    a.join(120), b.join(120)
    assert not a.error and not b.error, (a.error, b.error)
    assert a.result.status == ImportStatus.DONE, a.result.message
    # The second file checked BL-2 and BL-3 before the first committed them: it rolls back
    # whole and says why, in Vietnamese.
    assert b.result.status == ImportStatus.FAILED
    assert "sau khi tệp được kiểm tra" in b.result.message, b.result.message
    assert b.result.message.startswith("Chưa ghi dòng nào")
    assert "tải tệp lên lại" in b.result.message
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [f"BL-{i}" for i in range(4)]
    # Uploaded again, it adds exactly what the first did not have.
    again = run(user, second, "b.csv")
    assert (again.status, again.accepted, again.duplicates) == (ImportStatus.DONE, 2, 2)
    numbers, months, enrolments = ledger()
    assert [n for n, *_ in numbers] == [f"BL-{i}" for i in range(6)]
    assert months == 6
    assert {pt for _pk, pt, _s in enrolments} == {date(2026, 11, 1)}


def test_a_receipt_typed_while_the_file_is_written_waits_and_adds_the_next_month(
    users, people, gate_in_import_write
):
    user = users["postmgr"]
    data = csv_bytes([row(f"BL-{i}", people[i]) for i in range(3)])
    imp = Thread(run, user, data, "a.csv")
    imp.start()
    assert gate_in_import_write.reached.wait(120)
    typed = ReceiptInput(number="TAY-1", paid_on=PAID, months=1)
    hand = Thread(record_vsi_receipt, users["collector"], people[0], typed)
    hand.start()
    assert waiting_on_a_lock(), "the typed receipt did not wait for the file"
    gate_in_import_write.opened.set()
    imp.join(120), hand.join(120)
    assert imp.result.status == ImportStatus.DONE, imp.result.message
    assert hand.error is None, hand.error
    # The typed receipt saw the file's November and covers December: no month twice.
    assert hand.result.from_month == date(2026, 12, 1)
    months = list(
        ContributionMonth.objects.filter(person=people[0].person).values_list("month", flat=True)
    )
    assert sorted(months) == [date(2026, 11, 1), date(2026, 12, 1)]
    people[0].refresh_from_db()
    assert people[0].paid_through == date(2026, 12, 1)


def test_the_same_receipt_typed_while_the_file_has_it_is_refused_with_its_number(
    users, people, gate_in_import_write
):
    user = users["postmgr"]
    data = csv_bytes([row(f"BL-{i}", people[i]) for i in range(3)])
    imp = Thread(run, user, data, "a.csv")
    imp.start()
    assert gate_in_import_write.reached.wait(120)
    typed = ReceiptInput(number="BL-0", paid_on=PAID, months=1)
    hand = Thread(record_vsi_receipt, users["collector"], people[0], typed)
    hand.start()
    assert waiting_on_a_lock()
    gate_in_import_write.opened.set()
    imp.join(120), hand.join(120)
    assert imp.result.status == ImportStatus.DONE
    assert "BL-0" in str(hand.error) and "đã được ghi" in str(hand.error), hand.error
    assert Receipt.objects.filter(number="BL-0").count() == 1
    assert ContributionMonth.objects.filter(person=people[0].person).count() == 1


def test_a_file_written_while_a_receipt_is_typed_waits_then_asks_to_upload_again(
    users, people, gate_in_import_write
):
    """The other order: the typed receipt holds the enrolment; the file waits, then finds
    the person paid since it was checked and writes nothing."""
    typing, done = threading.Event(), threading.Event()

    def slow_typing():
        from django.db import transaction

        with transaction.atomic():
            receipt = record_vsi_receipt(
                users["collector"], people[1], ReceiptInput("TAY-1", PAID, 1)
            )
            typing.set()
            assert done.wait(120)
        return receipt

    gate_in_import_write.opened.set()  # the file is not held here
    hand = Thread(slow_typing)
    hand.start()
    assert typing.wait(120)
    data = csv_bytes([row(f"BL-{i}", people[i]) for i in range(3)])
    imp = Thread(run, users["postmgr"], data, "a.csv")
    imp.start()
    assert waiting_on_a_lock(), "the file did not wait for the typed receipt"
    done.set()
    hand.join(120), imp.join(120)
    assert hand.error is None
    assert imp.result.status == ImportStatus.FAILED
    assert "sau khi tệp được kiểm tra" in imp.result.message, imp.result.message
    assert list(Receipt.objects.values_list("number", flat=True)) == ["TAY-1"]
    again = run(users["postmgr"], data, "a.csv")
    assert again.status == ImportStatus.DONE and again.accepted == 3, again.message
    assert ContributionMonth.objects.count() == 4  # TAY-1 Nov, BL-1 Dec, BL-0 and BL-2 Nov


def test_two_files_locking_the_same_people_in_opposite_orders(users, people, monkeypatch):
    """Each file is written two rows at a time; each has written its first two people when
    it needs the other's: a deadlock, which PostgreSQL breaks by stopping one of them. That
    one writes nothing, says why, and goes in whole when uploaded again."""
    monkeypatch.setattr(imports, "BATCH", 2)
    both = threading.Barrier(2, timeout=120)
    seen = set()

    def checkpoint(stage, done):
        me = threading.current_thread().name
        if stage == "months" and me.startswith("receipt-import-") and me not in seen:
            seen.add(me)
            both.wait()  # each writer has locked its first batch's people

    monkeypatch.setattr(imports, "checkpoint", checkpoint)
    user = users["postmgr"]
    first = csv_bytes([row(f"BL-{i}", people[i]) for i in (0, 1, 2, 3)])
    second = csv_bytes([row(f"BL-{i}", people[i]) for i in (2, 3, 0, 1)])
    a, b = Thread(run, user, first, "a.csv"), Thread(run, user, second, "b.csv")
    a.start(), b.start()
    a.join(180), b.join(180)
    assert not a.error and not b.error, (a.error, b.error)
    results = sorted([a.result, b.result], key=lambda r: r.status)
    done, failed = results
    assert (done.status, failed.status) == (ImportStatus.DONE, ImportStatus.FAILED)
    assert failed.message.startswith("Chưa ghi dòng nào"), failed.message
    assert "cùng lúc" in failed.message and "tải tệp lên lại" in failed.message
    monkeypatch.setattr(imports, "checkpoint", lambda stage, done: None)
    again = run(user, first if failed is a.result else second, "again.csv")
    assert (again.status, again.accepted, again.duplicates) == (ImportStatus.DONE, 0, 4)
    numbers, months, enrolments = ledger()
    assert [n for n, *_ in numbers] == [f"BL-{i}" for i in range(4)]
    assert months == 4


def test_two_cycles_of_one_month_started_together_issue_it_once(office, users, monkeypatch):
    enrol(office, "Nguyễn Văn Đến", paid_through=date(2026, 10, 1))
    enrol(office, "Lê Văn Trễ", paid_through=date(2026, 8, 1))
    gate = Gate()
    suspend = cycle._suspend

    def held(*args, **kw):
        gate.hold()
        return suspend(*args, **kw)

    monkeypatch.setattr(cycle, "_suspend", held)
    first = Thread(cycle.issue_cycle, office.office, CYCLE, users["manager"])
    first.start()
    assert gate.reached.wait(120)
    second = Thread(cycle.issue_cycle, office.office, CYCLE, users["official"])
    second.start()
    assert waiting_on_a_lock(), "the second cycle did not wait for the first"
    gate.opened.set()
    first.join(120), second.join(120)
    assert not first.error and not second.error, (first.error, second.error)
    assert first.result.created and not second.result.created
    assert first.result.run.pk == second.result.run.pk
    assert CycleRun.objects.count() == 1
    assert CycleEntry.objects.filter(kind=ListKind.DUE).count() == 1
    assert CycleEntry.objects.filter(kind=ListKind.UNPAID).count() == 1
    assert VsiEnrolment.objects.filter(status="suspended").count() == 1
