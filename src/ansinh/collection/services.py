"""Everything the collection app writes, in transactions: reasons, reminders, visits,
reassignments. The receipt itself is written by ansinh.enrolment.services."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from ansinh.accounts.audit import audited_save, record
from ansinh.accounts.models import AuditEntry, Role, User
from ansinh.enrolment.models import Receipt, VsiEnrolment
from ansinh.registry.models import Person
from ansinh.rules.months import Month

from .choices import ListKind, ReasonCode, Source, VisitOutcome, VisitStatus
from .cycle import reasons_due
from .models import (
    Collector,
    CycleEntry,
    CycleRun,
    FollowUpVisit,
    NonPaymentReason,
    Notice,
    Organisation,
)

OFFICE_ROLES = {Role.PROVINCIAL_ADMIN, Role.OFFICE_MANAGER, Role.OFFICIAL}


def is_office_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in OFFICE_ROLES))


def check_office_staff(user) -> None:
    if not is_office_staff(user):
        raise PermissionDenied(_("Only the social-insurance office can do this."))


# -- reasons -------------------------------------------------------------------------------


def check_reason(user, entry: CycleEntry | None, code: str) -> dict:
    """The errors (field -> message) of a reason, without writing anything."""
    errors = {}
    if not getattr(user, "records_receipts", False):
        errors["entry"] = _("Your role cannot report reasons for non-payment.")
    elif entry is None:
        errors["entry"] = _("This person is not on the unpaid list.")
    elif entry.kind != ListKind.UNPAID:
        errors["entry"] = _("This person is not on the unpaid list.")
    elif not CycleEntry.objects.restrict(user).filter(pk=entry.pk).exists():
        errors["entry"] = _("This person is outside your area.")
    if code not in ReasonCode.values:
        errors["code"] = _("Unknown reason code %(code)r; use one of %(codes)s.") % {
            "code": code,
            "codes": ", ".join(ReasonCode.values),
        }
    return errors


@transaction.atomic
def save_reason(
    user, entry: CycleEntry | None, code: str, note: str = "", source: str = Source.PAGE
) -> NonPaymentReason:
    errors = check_reason(user, entry, code)
    if errors:
        raise ValidationError(errors)
    reason, _created = NonPaymentReason.objects.update_or_create(
        entry=entry,
        defaults={
            "organisation_id": entry.organisation_id,
            "code": code,
            "note": (note or "").strip()[:300],
            "source": source,
            "reported_by": user if user.pk else None,
        },
    )
    record(user, reason, None if _created else {"entry": entry.pk})
    return reason


def remind_missing_reasons(month: Month, today: date | None = None) -> int:
    """In-app notice and e-mail to each organisation with unpaid entries lacking a reason.

    Idempotent: a notice carries a key (cycle, organisation), so a second run sends nothing.
    """
    from ansinh.accounts.scope import SYSTEM

    from .queries import reason_completeness

    today = today or date.today()
    sent = 0
    for run in CycleRun.objects.filter(month=month.first_day()).select_related("office"):
        for row in reason_completeness(run, SYSTEM):
            org = row["organisation"]
            if org is None or row["missing"] == 0:
                continue
            due = reasons_due(month)
            text = _(
                "%(org)s: %(missing)s of %(total)s people on the unpaid list of %(month)s "
                "have no reason yet; due by %(due)s."
            ) % {
                "org": org.name,
                "missing": row["missing"],
                "total": row["total"],
                "month": month.first_day().strftime("%m/%Y"),
                "due": due.strftime("%d/%m/%Y"),
            }
            key = f"reasons:{run.pk}:{org.pk}"
            recipients = list(
                User.objects.filter(
                    organisation=org, role=Role.ORGANISATION_MANAGER, is_active=True
                )
            )
            new_for = []
            for user in recipients:
                try:
                    with transaction.atomic():
                        Notice.objects.create(
                            user=user,
                            text=text,
                            url=f"/collection/cycles/{run.pk}/reasons/",
                            key=key,
                        )
                    new_for.append(user)
                except IntegrityError:
                    continue
            emails = [u.email for u in new_for if u.email]
            if new_for and org.email:
                emails.append(org.email)
            if emails:
                send_mail(
                    f"[AnSinh] Nhắc báo cáo lý do chưa đóng BHXH tự nguyện tháng "
                    f"{month.first_day():%m/%Y}",
                    _vi_reminder(org, row, month, due),
                    settings.DEFAULT_FROM_EMAIL,
                    sorted(set(emails)),
                )
            sent += len(new_for)
    return sent


def _vi_reminder(org, row, month: Month, due: date) -> str:
    return (
        f"Kính gửi {org.name},\n\n"
        f"Danh sách người tham gia BHXH tự nguyện chưa đóng tháng {month.first_day():%m/%Y} "
        f"còn {row['missing']}/{row['total']} người chưa có báo cáo lý do. "
        f"Đề nghị đơn vị báo cáo trước ngày {due:%d/%m/%Y}.\n\nBHXH cơ sở"
    )


# -- visits ---------------------------------------------------------------------------------


@transaction.atomic
def assign_visit(user, entry: CycleEntry, official: User, due_on: date) -> FollowUpVisit:
    check_office_staff(user)
    if entry.kind != ListKind.UNPAID:
        raise ValidationError({"entry": _("Only people on the unpaid list are visited.")})
    if not CycleEntry.objects.restrict(user).filter(pk=entry.pk).exists():
        raise PermissionDenied(_("This person is outside your area."))
    if not is_office_staff(official):
        raise ValidationError({"official": _("Visits are assigned to office staff.")})
    existing = entry.visits.exclude(status=VisitStatus.CANCELLED).first()
    if existing is not None:
        existing.official, existing.due_on = official, due_on
        return audited_save(existing, user)
    visit = FollowUpVisit(
        entry=entry,
        person_id=entry.person_id,
        enrolment_id=entry.enrolment_id,
        commune_id=entry.commune_id,
        official=official,
        assigned_by=user,
        due_on=due_on,
        overdue_month=entry.period_start,
    )
    audited_save(visit, user)
    # The person may have paid between the cycle and the assignment.
    resolve_paid_visits([entry.enrolment_id])
    visit.refresh_from_db()
    if official.pk != user.pk:
        Notice.objects.create(
            user=official,
            text=_("Visit %(name)s (%(commune)s) by %(due)s.")
            % {"name": entry.full_name, "commune": entry.commune_name, "due": f"{due_on:%d/%m/%Y}"},
            url="/collection/visits/",
        )
    return visit


@transaction.atomic
def record_visit(user, visit: FollowUpVisit, outcome: str, note: str = "", visited_on=None):
    if not (visit.official_id == user.pk or is_office_staff(user)):
        raise PermissionDenied
    if outcome not in VisitOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    visited_on = visited_on or date.today()
    if visited_on > date.today():
        raise ValidationError({"visited_on": _("The visit date is in the future.")})
    visit.outcome, visit.note, visit.visited_on = outcome, (note or "")[:300], visited_on
    if visit.status == VisitStatus.OPEN:
        visit.status = VisitStatus.VISITED
    return audited_save(visit, user)


def resolve_paid_visits(enrolment_ids, on: date | None = None) -> int:
    """Resolve the open visits whose person has now paid past the overdue month.

    Set-based (one UPDATE); called at the end of record_vsi_receipt and by the import, in the
    same transaction as the receipt.
    """
    ids = enrolment_ids if hasattr(enrolment_ids, "query") else list(enrolment_ids)
    if not hasattr(ids, "query") and not ids:
        return 0
    paid = VsiEnrolment.objects.filter(pk=OuterRef("enrolment_id")).values("paid_through")[:1]
    last_receipt = (
        Receipt.objects.filter(  # by the (person, paid_on) index: a person has a few dozen
            person_id=OuterRef("person_id"), vsi_enrolment_id=OuterRef("enrolment_id")
        )
        .order_by("-id")
        .values("id")[:1]
    )
    visits = (
        FollowUpVisit.objects.filter(
            enrolment_id__in=ids, status__in=[VisitStatus.OPEN, VisitStatus.VISITED]
        )
        .annotate(pt=Subquery(paid))
        .filter(pt__gte=F("overdue_month"))
    )
    return FollowUpVisit.objects.filter(pk__in=visits.values("pk")).update(
        status=VisitStatus.RESOLVED,
        resolved_on=on or date.today(),
        resolved_receipt_id=Subquery(last_receipt),
    )


# -- organisations and collectors -----------------------------------------------------------


@transaction.atomic
def reassign_persons(
    user, from_collector: Collector, to_collector: Collector, hamlet_id=None, deactivate=False
) -> int:
    """Move everyone a collector looks after to another collector (a collector leaves)."""
    check_office_staff(user)
    if from_collector.pk == to_collector.pk:
        raise ValidationError({"to_collector": _("Choose another collector.")})
    if not to_collector.active:
        raise ValidationError({"to_collector": _("This collector is not active.")})
    persons = Person.objects.restrict(user).filter(collector=from_collector)
    if hamlet_id:
        persons = persons.filter(hamlet_id=hamlet_id)
    ids = list(persons.values_list("pk", flat=True))
    Person.objects.filter(pk__in=ids).update(collector=to_collector)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            user=user,
            action=AuditEntry.Action.UPDATE,
            model="registry.person",
            object_id=str(pk),
            object_repr=f"collector {from_collector.code} -> {to_collector.code}",
            before={"collector": from_collector.pk},
            after={"collector": to_collector.pk},
        )
        for pk in ids
    )
    if deactivate and not Person.objects.filter(collector=from_collector).exists():
        from_collector.active = False
        audited_save(from_collector, user)
    return len(ids)


# -- imports --------------------------------------------------------------------------------


def start_import(user, uploaded, kind="receipts", keep_valid=False, run=None):
    """Store an uploaded file, create its import and hand it to the background queue."""
    from .imports import file_digest
    from .models import ReceiptImport
    from .tasks import run_import_task

    if not user.records_receipts:
        raise PermissionDenied(_("Your role cannot record receipts."))
    digest = file_digest(uploaded)
    organisation_id = user.organisation_id or (
        user.collector.organisation_id if user.collector_id else None
    )
    office_id = (
        user.office_id
        or (run.office_id if run else None)
        or Organisation.objects.filter(pk=organisation_id)
        .values_list("office_id", flat=True)
        .first()
    )
    batch = ReceiptImport(
        kind=kind,
        organisation_id=organisation_id,
        office_id=office_id,
        run=run,
        uploaded_by=user,
        file_name=uploaded.name[:200],
        sha256=digest,
        keep_valid=keep_valid,
    )
    batch.file.save(uploaded.name, uploaded, save=False)
    batch.save()
    run_import_task.enqueue(batch.pk, user.pk)
    batch.refresh_from_db()
    return batch


def recover_stopped_imports(imports=None, never_started=()) -> list:
    """Imports whose process is gone (a crash, a kill, a restart) marked failed, their
    accepted staging rows released (decision 0018). Nothing of theirs was written: an import
    is marked done in the transaction that writes its rows. Run when an import page or list
    is shown (`imports`: the ones shown) and by `manage.py jobs recover` at start-up, which
    also gives the ids of imports still waiting whose worker took them and ended before it
    began (`never_started`: their task was failed by `lease.recover_stopped_tasks`)."""
    from django.utils import timezone

    from ansinh.common import lease

    from .choices import RUNNING, ImportStatus, RowStatus
    from .models import ImportRow, ReceiptImport

    qs = ReceiptImport.objects.all() if imports is None else imports
    gone = [
        (batch, RUNNING)
        for batch in qs.filter(status__in=RUNNING).order_by("pk")
        if lease.owner_gone(batch.pk, batch.owner, batch.heartbeat_at)
    ]
    waiting = ReceiptImport.objects.filter(pk__in=never_started, status=ImportStatus.PENDING)
    gone += [(batch, (ImportStatus.PENDING,)) for batch in waiting.order_by("pk")]
    stopped = []
    for batch, statuses in gone:
        with transaction.atomic():
            # A writer still committing holds this row: the update waits for it and then finds
            # the import done, so a finished import is never marked failed.
            marked = ReceiptImport.objects.filter(
                pk=batch.pk, status__in=statuses, owner=batch.owner
            ).update(
                status=ImportStatus.FAILED,
                accepted=0,
                finished_at=timezone.now(),
                message=_(
                    "The import stopped before it finished: the program running it ended "
                    "(a crash or a restart). Nothing was written: upload the file again."
                ),
            )
            if marked:
                ImportRow.objects.filter(batch=batch, status=RowStatus.ACCEPTED).update(
                    status=RowStatus.SKIPPED
                )
                stopped.append(batch)
    return stopped


def earlier_import(batch):
    """The same file imported before (by its SHA-256), if any."""
    from .choices import ImportStatus
    from .models import ReceiptImport

    return (
        ReceiptImport.objects.filter(sha256=batch.sha256, status=ImportStatus.DONE, kind=batch.kind)
        .exclude(pk=batch.pk)
        .order_by("created_at")
        .first()
    )
