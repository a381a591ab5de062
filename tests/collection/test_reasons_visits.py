from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from ansinh.collection import services
from ansinh.collection.choices import ListKind, VisitStatus
from ansinh.collection.cycle import issue_cycle
from ansinh.collection.models import CycleEntry, Notice
from ansinh.collection.queries import reason_completeness
from ansinh.enrolment.services import ReceiptInput, record_vsi_receipt

from .conftest import CYCLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(office, cohort):
    return issue_cycle(office.office, CYCLE).run


def unpaid(run, name):
    return CycleEntry.objects.get(run=run, kind=ListKind.UNPAID, full_name=name)


def test_reasons_completeness_and_bad_reasons(run, users, office):
    postmgr = users["postmgr"]
    rows = {r["organisation"]: r for r in reason_completeness(run, users["manager"])}
    assert rows[office.post]["total"] == 2 and rows[office.post]["missing"] == 2
    services.save_reason(postmgr, unpaid(run, "Lê Văn Trễ"), "away", "Làm ở Bình Dương")
    rows = {r["organisation"]: r for r in reason_completeness(run, users["manager"])}
    assert rows[office.post]["reported"] == 1 and rows[office.post]["percent"] == 50
    # a reason for someone not on the unpaid list
    due = CycleEntry.objects.get(run=run, kind=ListKind.DUE, full_name="Nguyễn Văn Đến")
    with pytest.raises(ValidationError) as exc:
        services.save_reason(postmgr, due, "forgot")
    assert "entry" in exc.value.message_dict
    # an unknown code
    with pytest.raises(ValidationError) as exc:
        services.save_reason(postmgr, unpaid(run, "Võ Văn Năm"), "lazy")
    assert "code" in exc.value.message_dict
    # Viettel's manager cannot report for the post office's people
    from ansinh.accounts.models import Role, User

    vt = User.objects.create(
        username="vtmgr", role=Role.ORGANISATION_MANAGER, organisation=office.viettel
    )
    with pytest.raises(ValidationError) as exc:
        services.save_reason(vt, unpaid(run, "Võ Văn Năm"), "forgot")
    assert "entry" in exc.value.message_dict


def test_remind_command_sends_once(run, users, office):
    users["postmgr"].email = "post@example.vn"
    users["postmgr"].save()
    call_command("cycle", "remind", "--month", "2026-10")
    call_command("cycle", "remind", "--month", "2026-10")
    assert Notice.objects.filter(user=users["postmgr"]).count() == 1
    assert len(mail.outbox) == 1
    assert "2/2" in mail.outbox[0].body and "20/11/2026" in mail.outbox[0].body


def test_visit_resolves_when_the_person_pays(run, users, office, cohort):
    entry = unpaid(run, "Lê Văn Trễ")
    visit = services.assign_visit(users["manager"], entry, users["official"], date(2026, 11, 5))
    assert visit.status == VisitStatus.OPEN and visit.overdue_month == date(2026, 9, 1)
    assert Notice.objects.filter(user=users["official"]).exists()
    services.record_visit(users["official"], visit, "will_pay", "Hứa đóng tuần sau")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.VISITED
    # the enrolment is suspended by the cycle; paying from November re-activates it
    receipt = record_vsi_receipt(
        users["collector"], cohort["late"], ReceiptInput("BL-0001", date(2026, 11, 3), 1)
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RESOLVED and visit.resolved_receipt_id == receipt.pk
    assert visit.resolved_on == date(2026, 11, 3)


def test_only_office_assigns_visits(run, users):
    with pytest.raises(PermissionDenied):
        services.assign_visit(
            users["postmgr"], unpaid(run, "Lê Văn Trễ"), users["official"], date(2026, 11, 5)
        )


def test_reassign_when_a_collector_leaves(office, users, cohort):
    from ansinh.collection.models import Collector
    from ansinh.registry.models import Person

    new = Collector.objects.create(organisation=office.post, code="CNEW", full_name="Mới")
    n = services.reassign_persons(users["manager"], office.collector, new, deactivate=True)
    assert n == 6
    assert Person.objects.filter(collector=office.collector).count() == 0
    office.collector.refresh_from_db()
    assert not office.collector.active
