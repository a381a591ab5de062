"""Participants with paid months, through the real enrolment services (targets, campaigns,
reports tests)."""

from datetime import date
from itertools import count

from ansinh.common.text import add_months
from ansinh.enrolment import services as enrolment
from tests.factories import make_person

_receipts = count(1)


def paying_participant(o, user, name="Nguyễn Văn A", start=None, months=12, **kw):
    """A person enrolled in VSI from `start` (default: 6 months ago), paid for `months`."""
    start = start or add_months(date.today().replace(day=1), -6)
    person = make_person(o, name=name, **kw)
    enrolled = enrolment.enrol_vsi(user, person, 1_500_000, "1", start)
    paid_on = min(date.today(), start)
    enrolment.record_vsi_receipt(
        user,
        enrolled,
        enrolment.ReceiptInput(number=f"T{next(_receipts):06d}", paid_on=paid_on, months=months),
    )
    return person


def hi_member(o, user, name="Trần Thị B", paid_on=None, **kw):
    person = make_person(o, name=name, **kw)
    enrolment.enrol_hi(user, person.household, [person], 12, paid_on or date.today())
    enrolment.record_hi_receipt(
        user,
        person.household,
        enrolment.ReceiptInput(
            number=f"H{next(_receipts):06d}", paid_on=paid_on or date.today(), months=12
        ),
    )
    return person
