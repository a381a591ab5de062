"""Fixtures for the collection tests: participants with enrolments in a known state.

The cycle under test is October 2026 (issued on 25/10/2026): due = S is November 2026,
unpaid = the deadline fell in September 2026 or before.
"""

from datetime import date

import pytest

from ansinh.rules.months import Month
from tests.factories import LAI_VUNG, enrol, make_person  # noqa: F401  (enrol: for the tests)

CYCLE = Month(2026, 10)


@pytest.fixture
def cohort(office, users):
    """Six participants of Bưu điện (collector Thu) and one of Viettel."""
    o = office
    return {
        # monthly, paid through October: due for November
        "due": enrol(o, "Nguyễn Văn Đến", paid_through=date(2026, 10, 1)),
        # monthly, paid through November already: on no list
        "ahead": enrol(o, "Trần Thị Trước", paid_through=date(2026, 11, 1)),
        # monthly, paid through August: September missed, 2 months overdue (Sep, Oct)
        "late": enrol(o, "Lê Văn Trễ", paid_through=date(2026, 8, 1), phone="0912345678"),
        # 3-monthly, period Aug-Oct, deadline October: not yet overdue on 25/10
        "quarter": enrol(o, "Phạm Thị Quý", paid_through=date(2026, 7, 1), method="3"),
        # 12-monthly, period from March 2026, deadline September: overdue
        "yearly": enrol(
            o, "Võ Văn Năm", paid_through=date(2026, 2, 1), method="12", income=3_000_000
        ),
        # monthly, stopped: on no list
        "stopped": enrol(o, "Đỗ Thị Dừng", paid_through=date(2026, 3, 1), status="stopped"),
        # Viettel's participant, due for November
        "viettel": enrol(
            o,
            "Huỳnh Văn Viettel",
            paid_through=date(2026, 10, 1),
            collector=o.other_collector,
            commune=LAI_VUNG,
        ),
    }


@pytest.fixture
def two(office):
    """Two monthly payers for the import tests: A paid through 10/2026, B (quarterly) 9/2026."""
    a = enrol(office, "Nguyễn Văn A", paid_through=date(2026, 10, 1))
    b = enrol(office, "Trần Thị B", paid_through=date(2026, 9, 1), method="3", income=3_000_000)
    return a, b
