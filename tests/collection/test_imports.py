import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from ansinh.collection import imports
from ansinh.collection.choices import ImportStatus, RowStatus
from ansinh.collection.models import ReceiptImport
from ansinh.enrolment.models import ContributionMonth, Receipt, VsiEnrolment
from ansinh.enrolment.services import ReceiptInput, quote_for_person, record_vsi_receipt
from tests.factories import LAI_VUNG, supported_history

from .conftest import enrol

pytestmark = pytest.mark.django_db
PAID = date(2026, 11, 3)


def net(enrolment, months=1, on=PAID):
    return quote_for_person(enrolment.person, enrolment.income, on, months).net_total


def csv_bytes(rows, header=None, encoding="utf-8"):
    header = header or "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien,ma_nhan_vien_thu,tu_thang"
    lines = [header] + [",".join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def run(user, data, name="bienlai.csv", keep_valid=False, office=None):
    batch = ReceiptImport.objects.create(
        uploaded_by=user,
        file_name=name,
        sha256="x",
        keep_valid=keep_valid,
        organisation=user.organisation,
    )
    return imports.run_import(batch, user, io.BytesIO(data))


def row(number, e, months=1, amount=None, paid=PAID, collector="", from_month=""):
    amount = net(e, months, paid) if amount is None else amount
    return [
        number,
        e.person.si_code,
        paid.strftime("%d/%m/%Y"),
        months,
        amount,
        collector,
        from_month,
    ]


def errors(batch):
    return {r.line: (r.field, r.message) for r in batch.rows.filter(status=RowStatus.REJECTED)}


def snapshot():
    return (
        list(
            Receipt.objects.values_list(
                "number", "person_id", "from_month", "months", "gross", "support", "amount"
            ).order_by("number")
        ),
        list(
            ContributionMonth.objects.values_list(
                "person_id", "month", "gross", "support"
            ).order_by("person_id", "month")
        ),
        list(VsiEnrolment.objects.values_list("pk", "paid_through", "status").order_by("pk")),
    )


def test_good_file_writes_receipts_months_and_paid_through(users, two):
    a, b = two
    data = csv_bytes([row("BL-1", a), row("BL-2", b, months=3), row("BL-3", a, months=2)])
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.DONE, batch.message
    assert (batch.accepted, batch.rejected, batch.total) == (3, 0, 3)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.paid_through == date(2027, 1, 1)  # Nov, then Dec-Jan
    assert b.paid_through == date(2026, 12, 1)
    r3 = Receipt.objects.get(number="BL-3")
    assert r3.from_month == date(2026, 12, 1) and r3.source == "import"
    assert ContributionMonth.objects.filter(receipt=r3).count() == 2
    assert r3.organisation_id == users["postmgr"].organisation_id


def test_same_file_twice_adds_nothing(users, two):
    a, b = two
    data = csv_bytes([row("BL-1", a), row("BL-2", b, months=3)])
    run(users["postmgr"], data)
    before = snapshot()
    again = run(users["postmgr"], data)
    assert again.status == ImportStatus.DONE
    assert (again.accepted, again.duplicates, again.rejected) == (0, 2, 0)
    assert snapshot() == before


def test_bulk_and_single_paths_agree(office, users):
    """The same payments through record_vsi_receipt and through the import: same rows."""
    from ansinh.registry.models import SupportMembership

    def people(prefix):
        out = []
        for i, (method, income, group) in enumerate(
            [
                ("1", 1_500_000, None),
                ("3", 2_340_000, "poor"),
                ("12", 4_123_457, "near_poor"),
                ("6", 7_777_777, "ethnic_minority"),
            ]
        ):
            e = enrol(
                office, f"{prefix} {i}", paid_through=date(2026, 6, 1), method=method, income=income
            )
            if group:
                SupportMembership.objects.create(
                    person=e.person, group=group, valid_from=date(2026, 1, 1)
                )
            out.append(e)
        return out

    single, bulk = people("Một"), people("Loạt")
    payments = [(0, 1), (1, 3), (2, 12), (3, 6), (0, 2)]
    for k, (i, months) in enumerate(payments):
        record_vsi_receipt(
            users["manager"],
            single[i],
            ReceiptInput(f"S-{k}", PAID, months, collector_id=office.collector.pk),
        )
    data = csv_bytes(
        [
            row(f"B-{k}", bulk[i], months, collector=office.collector.code)
            for k, (i, months) in enumerate(payments)
        ]
    )
    batch = run(users["manager"], data)
    assert batch.status == ImportStatus.DONE, errors(batch)
    fields = [
        "from_month",
        "months",
        "income",
        "gross",
        "support",
        "amount",
        "paid_on",
        "collector_id",
        "organisation_id",
    ]
    month_fields = ["month", "income", "gross", "support"]
    for s, b in zip(single, bulk, strict=True):
        rs = list(Receipt.objects.filter(person=s.person).order_by("from_month").values(*fields))
        rb = list(Receipt.objects.filter(person=b.person).order_by("from_month").values(*fields))
        assert rs == rb
        ms = list(ContributionMonth.objects.filter(person=s.person).values(*month_fields))
        mb = list(ContributionMonth.objects.filter(person=b.person).values(*month_fields))
        assert ms == mb and ms
        s.refresh_from_db()
        b.refresh_from_db()
        assert s.paid_through == b.paid_through


def test_every_bad_row_is_named_and_nothing_is_written(office, users, two):
    a, b = two
    outsider = enrol(
        office,
        "Ngoài Vùng",
        paid_through=date(2026, 10, 1),
        collector=office.other_collector,
        commune=LAI_VUNG,
    )
    record_vsi_receipt(users["manager"], b, ReceiptInput("OLD-1", date(2026, 10, 1), 3))
    before = snapshot()
    future = date.today() + timedelta(days=3)
    data = csv_bytes(
        [
            row("BL-1", a),  # 2 good
            ["BL-2", "8799999999", "03/11/2026", 1, 374000, "", ""],  # 3 unknown person
            row("BL-3", a, from_month="10/2026"),  # 4 month already paid
            row("BL-4", a, amount=1),  # 5 amount does not match
            row("BL-5", a, paid=future),  # 6 date in the future
            row("BL-1", a),  # 7 number twice in the file
            row("OLD-1", a),  # 8 number used for another
            row("BL-8", outsider),  # 9 outside the area
            ["BL-9", a.person.si_code, "31/02/2026", 1, 1, "", ""],  # 10 not a date
            row("BL-10", a, collector="NOPE"),  # 11 unknown collector
            ["BL-11", a.person.si_code, "03/11/2026", "x", 1, "", ""],  # 12 months not a number
        ]
    )
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.REJECTED
    errs = errors(batch)
    assert {line: field for line, (field, _m) in errs.items()} == {
        3: "ma_so_bhxh",
        4: "tu_thang",
        5: "so_tien",
        6: "ngay_nop",
        7: "so_bien_lai",
        8: "so_bien_lai",
        9: "ma_so_bhxh",
        10: "ngay_nop",
        11: "ma_nhan_vien_thu",
        12: "so_thang",
    }
    assert batch.rows.get(line=2).status == RowStatus.SKIPPED
    assert snapshot() == before
    # The user chooses to keep the valid rows: only row 2 is written.
    kept = run(users["postmgr"], data, keep_valid=True)
    assert kept.status == ImportStatus.DONE and kept.accepted == 1
    assert Receipt.objects.filter(number="BL-1").exists()


@pytest.mark.parametrize(
    "data,message",
    [
        (b"number,code\nBL-1,8700000001\n", "so_bien_lai"),
        # Windows-1258 (the old Vietnamese code page): "Trương Thị Ánh" is not UTF-8
        (
            (
                "so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien\n"
                "BL-1,Trương Thị Ánh,1/1/2026,1,1\n"
            ).encode("cp1258", errors="replace"),
            "UTF-8",
        ),
        ("so_bien_lai,ma_so_bhxh,ngay_nop,so_thang,so_tien\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_wrong_layout_or_encoding_is_rejected(users, data, message):
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.FAILED and message in batch.message
    assert not Receipt.objects.exists()


def test_wrong_file_type(users):
    batch = run(users["postmgr"], b"hello", name="bienlai.pdf")
    assert batch.status == ImportStatus.FAILED


@pytest.mark.parametrize("stage", ["validate", "receipts", "months", "paid_through"])
def test_crash_half_way_leaves_the_database_as_it_was(users, two, monkeypatch, stage):
    a, b = two
    monkeypatch.setattr(imports, "BATCH", 2)

    def boom(at, done):
        if at == stage and done >= 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "checkpoint", boom)
    before = snapshot()
    data = csv_bytes([row("BL-1", a), row("BL-2", b, months=3), row("BL-3", a, months=2)])
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.FAILED and "disk full" in batch.message
    assert snapshot() == before


def test_xlsx_file(users, two):
    a, _b = two
    wb = Workbook()
    ws = wb.active
    ws.append(imports.RECEIPT_COLUMNS)
    ws.append(["BL-X1", a.person.si_code, PAID, 1, net(a), None, None])
    buf = io.BytesIO()
    wb.save(buf)
    batch = run(users["postmgr"], buf.getvalue(), name="bienlai.xlsx")
    assert batch.status == ImportStatus.DONE, errors(batch)
    assert Receipt.objects.get(number="BL-X1").amount == net(a)


def test_import_resolves_visits(office, users, cohort):
    from ansinh.collection import services
    from ansinh.collection.choices import ListKind, VisitStatus
    from ansinh.collection.cycle import issue_cycle
    from ansinh.collection.models import CycleEntry

    from .conftest import CYCLE

    run_ = issue_cycle(office.office, CYCLE).run
    entry = CycleEntry.objects.get(run=run_, kind=ListKind.UNPAID, full_name="Lê Văn Trễ")
    visit = services.assign_visit(users["manager"], entry, users["official"], date(2026, 11, 9))
    late = cohort["late"]
    batch = run(users["postmgr"], csv_bytes([row("BL-V", late)]))
    assert batch.status == ImportStatus.DONE, errors(batch)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RESOLVED


def test_reasons_file(office, users, cohort):
    from ansinh.collection.cycle import issue_cycle
    from ansinh.collection.models import NonPaymentReason

    from .conftest import CYCLE

    run_ = issue_cycle(office.office, CYCLE).run
    late, yearly, due = cohort["late"], cohort["yearly"], cohort["due"]
    lines = [
        "ma_so_bhxh,ma_ly_do,ghi_chu",
        f"{late.person.si_code},away,Bình Dương",
        f"{yearly.person.si_code},nope,",
        f"{due.person.si_code},forgot,",
    ]
    data = ("\n".join(lines) + "\n").encode()
    batch = ReceiptImport.objects.create(
        kind="reasons", run=run_, uploaded_by=users["postmgr"], file_name="lydo.csv", sha256="y"
    )
    batch = imports.run_import(batch, users["postmgr"], io.BytesIO(data))
    assert batch.status == ImportStatus.REJECTED
    assert {r.line: r.field for r in batch.rows.filter(status=RowStatus.REJECTED)} == {
        3: "ma_ly_do",
        4: "ma_so_bhxh",
    }
    assert not NonPaymentReason.objects.exists()
    batch2 = ReceiptImport.objects.create(
        kind="reasons",
        run=run_,
        uploaded_by=users["postmgr"],
        file_name="lydo.csv",
        sha256="y",
        keep_valid=True,
    )
    imports.run_import(batch2, users["postmgr"], io.BytesIO(data))
    assert NonPaymentReason.objects.get().code == "away"


def capped(e, months, used):
    from ansinh.parameters.table import current_table
    from ansinh.rules.vsi import vsi_quote

    return vsi_quote(
        current_table(),
        e.income,
        ("poor",),
        PAID,
        months=months,
        province=e.person.commune.province_id,
        support_months_used=used,
    )


def test_the_support_cap_binds_on_months_paid_ahead(office, users):
    """114 supported months used, paid through 06/2027: 12 months paid now cover 07/2027 to
    06/2028, and only 6 of them are supported (the 120-month cap), as on the receipt page."""
    e = enrol(office, "Lê Thị Cao", paid_through=date(2027, 6, 1))
    supported_history(e, 114)
    quote = capped(e, 12, 114)
    assert quote.supported_months == 6 and quote.net_total == net(e, 12)
    batch = run(users["postmgr"], csv_bytes([row("BL-CAP", e, months=12)]))
    assert batch.status == ImportStatus.DONE, errors(batch)
    new = ContributionMonth.objects.filter(receipt__number="BL-CAP")
    assert new.filter(support__gt=0).count() == 6


@pytest.mark.parametrize("batch_size", [imports.BATCH, 1])
def test_the_support_cap_counts_the_file_s_own_earlier_rows(office, users, monkeypatch, batch_size):
    """106 used: a first 12-month row is fully supported (118), the second gets only 2,
    whether the two rows are checked in one batch or in two."""
    monkeypatch.setattr(imports, "BATCH", batch_size)
    e = enrol(office, "Lê Văn Hạn", paid_through=date(2026, 10, 1))
    supported_history(e, 106)
    first, second = capped(e, 12, 106), capped(e, 12, 118)
    assert (first.supported_months, second.supported_months) == (12, 2)
    data = csv_bytes(
        [
            row("BL-C1", e, months=12, amount=first.net_total),
            row("BL-C2", e, months=12, amount=second.net_total),
        ]
    )
    batch = run(users["postmgr"], data)
    assert batch.status == ImportStatus.DONE, errors(batch)
    assert ContributionMonth.objects.filter(person=e.person, support__gt=0).count() == 120


@pytest.mark.parametrize("enrolled", ["older", "newer"])
def test_a_code_two_records_share_is_booked_to_the_one_enrolled(office, users, enrolled):
    """Likely duplicates (the registry warns, does not forbid): a row's code matching two
    persons is booked to the one with an open enrolment, whichever was read first."""
    from tests.factories import make_person

    e = enrol(office, "Nguyễn Văn Trùng", paid_through=date(2026, 10, 1))
    twin = make_person(
        office, "Nguyễn Văn Trùng", collector=e.person.collector, si_code=e.person.si_code
    )
    if enrolled == "newer":  # the newer record is the enrolled one
        e.person, twin = twin, e.person
        type(e).objects.filter(pk=e.pk).update(person=e.person)
    batch = run(users["postmgr"], csv_bytes([row("BL-T", e)]))
    assert batch.status == ImportStatus.DONE, errors(batch)
    assert Receipt.objects.get(number="BL-T").person_id == e.person.pk
