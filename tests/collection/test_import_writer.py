"""Imports as an upload runs them: outside any transaction, so on PostgreSQL the writer thread
writes each validated batch in its own connection while the next batch is checked (decision
0014). On SQLite the same tests run the one-go write after validation."""

import threading
from datetime import date

import pytest
from django.db import connection

from ansinh.accounts.models import AuditEntry
from ansinh.collection import imports
from ansinh.collection.choices import ImportStatus, RowStatus
from ansinh.enrolment.models import ContributionMonth, Receipt

from .conftest import enrol
from .test_imports import csv_bytes, errors, row, run, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two rows, and the thread each write step ran in."""
    monkeypatch.setattr(imports, "BATCH", 2)
    threads = []

    def record(stage, done):
        if stage in ("receipts", "months", "paid_through"):
            threads.append(threading.current_thread().name)

    monkeypatch.setattr(imports, "checkpoint", record)
    return threads


def five_rows(a, b):
    """A twice in different batches (Nov, then Dec-Jan), B once: three batches of lines."""
    return [
        row("BL-1", a),
        row("BL-2", b, months=3),
        row("BL-3", a, months=2),
    ]


def test_written_batch_by_batch_behind_the_validation(users, two, small_batches):
    a, b = two
    batch = run(users["postmgr"], csv_bytes(five_rows(a, b)))
    assert batch.status == ImportStatus.DONE, batch.message
    assert (batch.accepted, batch.rejected, batch.total) == (3, 0, 3)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.paid_through == date(2027, 1, 1)
    assert b.paid_through == date(2026, 12, 1)
    assert ContributionMonth.objects.count() == 1 + 3 + 2
    assert AuditEntry.objects.filter(model="collection.receiptimport").count() == 1
    if connection.vendor == "postgresql":
        # two batches written apart, each in the writer's thread, not the importing one
        assert small_batches == [f"receipt-import-{batch.pk}"] * 6
    else:
        assert small_batches == [threading.current_thread().name] * 3


def test_each_month_written_belongs_to_its_own_receipt(users, two, small_batches):
    """The months take their receipt's id as it is written (on PostgreSQL from the receipts'
    sequence, in the same statement): each receipt has exactly its months, of its person and
    enrolment, from its first month on, their gross adding up to its own."""
    a, b = two
    # a receipt of another source written first: ids are not the import's alone
    Receipt.objects.create(
        number="OTHER",
        person=b.person,
        scheme="vsi",
        paid_on=date(2026, 10, 1),
        from_month=date(2026, 10, 1),
        months=0,
        income=0,
        gross=0,
        support=0,
        amount=0,
    )
    batch = run(users["postmgr"], csv_bytes(five_rows(a, b)))
    assert batch.status == ImportStatus.DONE, batch.message
    receipts = Receipt.objects.filter(number__startswith="BL-")
    assert receipts.count() == 3
    for receipt in receipts:
        months = list(ContributionMonth.objects.filter(receipt=receipt).order_by("month"))
        assert len(months) == receipt.months
        assert {(m.person_id, m.enrolment_id) for m in months} == {
            (receipt.person_id, receipt.vsi_enrolment_id)
        }
        assert months[0].month == receipt.from_month
        assert sum(m.gross for m in months) == receipt.gross
    assert not ContributionMonth.objects.exclude(receipt__in=receipts).exists()


def test_a_rejected_row_in_the_last_batch_undoes_the_batches_already_written(
    users, two, small_batches
):
    a, b = two
    before = snapshot()
    rows = five_rows(a, b) + [row("BL-4", b, amount=1)]
    batch = run(users["postmgr"], csv_bytes(rows))
    assert batch.status == ImportStatus.REJECTED
    assert errors(batch) == {5: ("so_tien", errors(batch)[5][1])}
    assert snapshot() == before
    assert not batch.rows.filter(status=RowStatus.ACCEPTED).exists()
    assert batch.rows.filter(status=RowStatus.SKIPPED).count() == 3
    assert not AuditEntry.objects.filter(model="collection.receiptimport").exists()


def test_keep_valid_writes_the_valid_rows_of_every_batch(users, two, small_batches):
    a, b = two
    rows = [row("BL-1", a), row("BL-X", b, amount=1), row("BL-2", b, months=3)]
    batch = run(users["postmgr"], csv_bytes(rows), keep_valid=True)
    assert batch.status == ImportStatus.DONE, batch.message
    assert (batch.accepted, batch.rejected) == (2, 1)
    assert set(Receipt.objects.values_list("number", flat=True)) == {"BL-1", "BL-2"}


@pytest.mark.parametrize("stage", ["validate", "receipts", "months", "paid_through"])
def test_a_crash_in_a_later_batch_leaves_the_database_as_it_was(users, two, monkeypatch, stage):
    a, b = two
    monkeypatch.setattr(imports, "BATCH", 2)

    def boom(at, done):
        # PostgreSQL: the first batch (lines 2-3) is validated and written before the crash in
        # the second (one row); SQLite writes the three rows in one go, then crashes
        if at == stage and (done >= 3 if at == "validate" else done in (1, 3)):
            raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "checkpoint", boom)
    before = snapshot()
    batch = run(users["postmgr"], csv_bytes(five_rows(a, b)))
    assert batch.status == ImportStatus.FAILED and "disk full" in batch.message
    assert snapshot() == before
    assert not batch.rows.filter(status=RowStatus.ACCEPTED).exists()
    # and the same file, uploaded again, goes in whole
    monkeypatch.setattr(imports, "checkpoint", lambda at, done: None)
    again = run(users["postmgr"], csv_bytes(five_rows(a, b)))
    assert again.status == ImportStatus.DONE and again.accepted == 3, again.message


def test_the_same_file_twice_adds_nothing(users, two, small_batches):
    a, b = two
    data = csv_bytes(five_rows(a, b))
    assert run(users["postmgr"], data).status == ImportStatus.DONE
    before = snapshot()
    again = run(users["postmgr"], data)
    assert (again.status, again.accepted, again.duplicates) == (ImportStatus.DONE, 0, 3)
    assert snapshot() == before


def test_the_first_rejected_row_rolls_the_writes_back_at_once(users, two, monkeypatch):
    """The rest of the file is only checked (for the report): no transaction is left open
    holding the enrolments of the first batches while it is."""
    a, b = two
    monkeypatch.setattr(imports, "BATCH", 2)
    alive = []

    def watch(stage, done):
        if stage == "validate" and done >= 4:  # the batch after the rejected row
            alive.append(any(t.name.startswith("receipt-import-") for t in threading.enumerate()))

    monkeypatch.setattr(imports, "checkpoint", watch)
    before = snapshot()
    rows = [row("BL-1", a), row("BL-2", b), row("BL-3", a, amount=1), row("BL-4", b, months=3)]
    rows.append(row("BL-5", a, months=2))
    batch = run(users["postmgr"], csv_bytes(rows))
    assert batch.status == ImportStatus.REJECTED and batch.rejected == 1
    assert alive and not any(alive)
    assert snapshot() == before


def test_the_support_cap_across_batches_written_behind(office, users, monkeypatch):
    from tests.factories import supported_history

    from .conftest import enrol
    from .test_imports import capped

    monkeypatch.setattr(imports, "BATCH", 1)
    e = enrol(office, "Lê Văn Hạn", paid_through=date(2026, 10, 1))
    supported_history(e, 106)
    first, second = capped(e, 12, 106), capped(e, 12, 118)
    data = csv_bytes(
        [
            row("BL-C1", e, months=12, amount=first.net_total),
            row("BL-C2", e, months=12, amount=second.net_total),
        ]
    )
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.DONE, errors(batch)
    assert ContributionMonth.objects.filter(person=e.person, support__gt=0).count() == 120


def test_a_payment_recorded_between_checking_and_writing_rolls_the_file_back(
    office, users, two, small_batches, monkeypatch
):
    """A participant paid (another file, a receipt typed in) after their row was checked and
    before it was written: the enrolment is not moved again, the file fails as a whole and
    says to upload it again; the other payment stands. On PostgreSQL the writer knows how many
    enrolments the batch must move (counted when it was staged); on SQLite it counts them."""
    a, b = two
    c = enrol(office, "Lê Văn C", paid_through=date(2026, 10, 1))
    rows = [row("BL-1", a), row("BL-2", b, months=3), row("BL-3", c)]  # batches: A B | C
    judge = imports._Validator.judge

    def judge_then_c_pays(self, rows, found):
        if any(r["ma_so_bhxh"] == c.person.si_code for _line, r in rows):
            # after C's row was looked up, before it is judged and written
            type(c).objects.filter(pk=c.pk).update(paid_through=date(2026, 11, 1))
        return judge(self, rows, found)

    monkeypatch.setattr(imports._Validator, "judge", judge_then_c_pays)
    before = snapshot()
    batch = run(users["postmgr"], csv_bytes(rows))
    assert batch.status == ImportStatus.FAILED
    assert "upload the file again" in batch.message.lower() or "tải tệp lên lại" in batch.message
    receipts, months, enrolments = snapshot()
    assert (receipts, months) == before[:2]  # nothing of the file, A's and B's batch included
    moved_by_the_other_payment = [(c.pk, date(2026, 11, 1), "active")]
    assert [e for e in enrolments if e[0] != c.pk] == [e for e in before[2] if e[0] != c.pk]
    assert [e for e in enrolments if e[0] == c.pk] == moved_by_the_other_payment
    assert not AuditEntry.objects.filter(model="collection.receiptimport").exists()


def test_the_report_commits_do_not_wait_for_the_disk_the_receipts_do(
    users, two, small_batches, monkeypatch
):
    """PostgreSQL with the writer: the importing connection stages the report with
    synchronous_commit off, the writer's transaction (the receipts) keeps the server's
    setting, and the importing connection has that setting back afterwards (a web worker's
    next request), after a file written and after a file rejected."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting; SQLite writes in one transaction")
    a, b = two

    def setting():
        with connection.cursor() as cur:
            cur.execute("SHOW synchronous_commit")
            return cur.fetchone()[0]

    server = setting()
    seen = []

    def show(stage, done):
        seen.append((stage, threading.current_thread().name == "MainThread", setting()))

    monkeypatch.setattr(imports, "checkpoint", show)
    batch = run(users["postmgr"], csv_bytes(five_rows(a, b)))
    assert batch.status == ImportStatus.DONE, batch.message
    assert {s for s in seen if s[0] == "validate"} == {("validate", True, "off")}
    assert {s for s in seen if s[0] == "receipts"} == {("receipts", False, server)}
    assert setting() == server
    rejected = run(users["postmgr"], csv_bytes([row("BL-9", a, amount=1)]))
    assert rejected.status == ImportStatus.REJECTED
    assert setting() == server
