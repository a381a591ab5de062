"""Collection organisations (post office, Viettel, others), their points, collectors and
areas; the monthly retention cycle (frozen lists), non-payment reasons, follow-up visits and
receipt imports."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.scope import ScopedQuerySet

from .choices import (
    ImportStatus,
    ListKind,
    ReasonCode,
    RowStatus,
    Source,
    VisitOutcome,
    VisitStatus,
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("Post office")
        VIETTEL = "viettel", _("Viettel")
        OTHER = "other", _("Other agent")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    office = models.ForeignKey(
        "places.Office", on_delete=models.PROTECT, related_name="organisations"
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "office"
    scope_organisation_path = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = _("collection organisation")

    def __str__(self):
        return self.name


class CollectionPoint(models.Model):
    """A place where an organisation takes payments (a post office counter, a shop, a hall)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="points")
    name = models.CharField(_("name"), max_length=200)
    commune = models.ForeignKey(
        "places.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    hamlet = models.ForeignKey(
        "places.Hamlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hamlet"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    class Meta:
        ordering = ["organisation_id", "name"]
        verbose_name = _("collection point")

    def __str__(self):
        return self.name


class Collector(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="collectors"
    )
    code = models.CharField(_("collector code"), max_length=20, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    point = models.ForeignKey(
        CollectionPoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collectors",
        verbose_name=_("collection point"),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "organisation__office"
    scope_organisation_path = "organisation"
    scope_collector_path = "pk"  # a collector sees themselves, not the other collectors

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("collector")

    def __str__(self):
        return f"{self.full_name} ({self.code})"


class ServedArea(models.Model):
    """A commune (or one hamlet of it) served by an organisation, optionally by one collector."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="areas")
    collector = models.ForeignKey(
        Collector, null=True, blank=True, on_delete=models.CASCADE, related_name="areas"
    )
    commune = models.ForeignKey(
        "places.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    hamlet = models.ForeignKey(
        "places.Hamlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hamlet"),
    )

    class Meta:
        ordering = ["organisation_id", "commune_id", "hamlet_id"]
        verbose_name = _("served area")
        constraints = [
            models.UniqueConstraint(
                "organisation", "collector", "commune", "hamlet", name="uniq_served_area"
            )
        ]

    def __str__(self):
        return f"{self.hamlet}, {self.commune}" if self.hamlet_id else str(self.commune)


class CycleRun(models.Model):
    """The lists an office issued for one month (on the 25th): frozen once written."""

    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="cycles")
    month = models.DateField(_("month"))  # the first day of the month the cycle is run in
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_count = models.PositiveIntegerField(default=0)
    unpaid_count = models.PositiveIntegerField(default=0)
    suspended_count = models.PositiveIntegerField(default=0)
    elapsed_ms = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "office"
    # Collection staff see the runs of their organisation's office (an office's
    # organisations: one row per run for the one organisation in their scope).
    scope_organisation_path = "office__organisations"

    class Meta:
        ordering = ["-month", "office_id"]
        verbose_name = _("monthly cycle")
        constraints = [
            models.UniqueConstraint("office", "month", name="one_cycle_per_office_month")
        ]

    def __str__(self):
        return f"{self.office_id} {self.month:%m/%Y}"


class CycleList(models.Model):
    """One list of a cycle: per organisation (collector empty) and per collector, per kind."""

    run = models.ForeignKey(CycleRun, on_delete=models.CASCADE, related_name="lists")
    kind = models.CharField(max_length=8, choices=ListKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="cycle_lists"
    )
    collector = models.ForeignKey(
        Collector, null=True, blank=True, on_delete=models.PROTECT, related_name="cycle_lists"
    )
    count = models.PositiveIntegerField(default=0)
    amount = models.PositiveBigIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "run__office"
    scope_organisation_path = "organisation"
    scope_collector_path = "collector"

    class Meta:
        ordering = ["run_id", "kind", "organisation_id", "collector_id"]


class CycleEntry(models.Model):
    """One person on one list, frozen as issued: later registry changes do not touch it."""

    # Written only by the cycle, in the transaction that creates the run (decision 0015): no
    # database constraint; the (run, kind, ...) indexes serve the run alone.
    run = models.ForeignKey(
        CycleRun,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(max_length=8, choices=ListKind.choices)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # a snapshot row: written in bulk, read by run
        related_name="cycle_entries",
    )
    enrolment = models.ForeignKey(
        "enrolment.VsiEnrolment",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    collector = models.ForeignKey(
        Collector,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    commune = models.ForeignKey(
        "places.Commune",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    hamlet = models.ForeignKey(
        "places.Hamlet",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    full_name = models.CharField(max_length=120)
    birth_date = models.DateField(null=True)
    si_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=15, blank=True)
    address = models.CharField(max_length=200, blank=True)
    hamlet_name = models.CharField(max_length=100, blank=True)
    commune_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10)
    income = models.PositiveBigIntegerField()
    method = models.CharField(max_length=8)
    period_months = models.PositiveSmallIntegerField()
    paid_through = models.DateField(null=True)
    period_start = models.DateField()  # the first unpaid month
    deadline = models.DateField()  # the last month in which the period is paid on time
    months_overdue = models.PositiveSmallIntegerField(default=0)
    months_to_pay = models.PositiveSmallIntegerField()
    group_rank = models.PositiveSmallIntegerField(default=0)
    amount = models.PositiveBigIntegerField(null=True)  # paid by the participant (net)
    # The lapse risk (0-1) and its reasons, written by the risk app after the list is issued
    # (decision 0022): collection owns the columns and sorts by them, risk fills them in.
    # Reasons: [[msgid, {params}], ...], words translated when shown (`stored_message`).
    risk = models.FloatField(_("lapse risk"), null=True, blank=True)
    risk_reasons = models.JSONField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # Scoped by the frozen commune and collector of the entry, not the person's current ones.
    scope_person_path = ""

    class Meta:
        ordering = ["run_id", "kind", "commune_name", "hamlet_name", "full_name", "id"]
        # One index for every list of a run: an office's run holds some ten thousand entries,
        # an organisation's or a collector's list is filtered from its (run, kind) range, and
        # each index more is paid by every entry the cycle writes (decision 0015).
        indexes = [models.Index(fields=["run", "kind"], name="cycle_entry_run_kind")]

    def __str__(self):
        return f"{self.full_name} ({self.get_kind_display()})"

    @property
    def full_address(self) -> str:
        return ", ".join(p for p in (self.address, self.hamlet_name, self.commune_name) if p)

    @property
    def reported(self):
        """The reason reported for this entry, or None. Pages read this, not `reason`: where
        there is no reason `reason` raises, and a template engine that meets the error looks
        through dir() of the entry (0.1 ms), a dozen times for each unpaid person of a list."""
        try:
            return self.reason
        except ObjectDoesNotExist:
            return None


class CycleQuote(models.Model):
    """The amounts used for a cycle's lists: one quote per distinct combination (frozen)."""

    run = models.ForeignKey(CycleRun, on_delete=models.CASCADE, related_name="quotes")
    on = models.DateField()
    income = models.PositiveBigIntegerField()
    months = models.PositiveSmallIntegerField()
    group_rank = models.PositiveSmallIntegerField()
    group = models.CharField(max_length=16)
    gross = models.PositiveBigIntegerField()
    support = models.PositiveBigIntegerField()
    amount = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "on", "income", "months", "group_rank"])]


class NonPaymentReason(models.Model):
    """Why a person on an unpaid list did not pay, as the organisation reports it."""

    entry = models.OneToOneField(CycleEntry, on_delete=models.CASCADE, related_name="reason")
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="reasons"
    )
    code = models.CharField(_("reason"), max_length=12, choices=ReasonCode.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.PAGE)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "entry__"

    class Meta:
        verbose_name = _("non-payment reason")


class FollowUpVisit(models.Model):
    """An official sent to meet a person on an unpaid list; resolved when the person pays."""

    entry = models.ForeignKey(CycleEntry, on_delete=models.CASCADE, related_name="visits")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="follow_up_visits"
    )
    enrolment = models.ForeignKey(
        "enrolment.VsiEnrolment", on_delete=models.PROTECT, related_name="follow_up_visits"
    )
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_up_visits",
        verbose_name=_("official"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("visit by"))
    overdue_month = models.DateField()  # the first unpaid month: paying it resolves the visit
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=VisitOutcome.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_receipt = models.ForeignKey(
        "enrolment.Receipt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up visit")
        indexes = [models.Index(fields=["enrolment", "status"])]
        constraints = [
            models.UniqueConstraint(
                "entry", condition=~Q(status="cancelled"), name="one_open_visit_per_entry"
            )
        ]


class ReceiptImport(models.Model):
    """An uploaded receipt (or reason) file and its progress; its rows are the report."""

    class Kind(models.TextChoices):
        RECEIPTS = "receipts", _("Receipts")
        REASONS = "reasons", _("Non-payment reasons")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RECEIPTS)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="imports"
    )
    office = models.ForeignKey(
        "places.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        CycleRun, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    keep_valid = models.BooleanField(_("keep the valid rows"), default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: The process running it ("host:pid:start") and its last sign of life (decision 0018).
    owner = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = ("office", "organisation__office")
    scope_organisation_path = "organisation"
    scope_collector_path = "uploaded_by__collector"  # a collector sees their own uploads

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("file import")

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED):
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)


class ImportRow(models.Model):
    """One row of an import: its verdict (the report) and, when accepted, the staged receipt."""

    # Staging, written only by its own import (decision 0015): the ORM cascades; the
    # (batch, status, line) index serves the batch alone.
    batch = models.ForeignKey(
        ReceiptImport,
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    line = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=RowStatus.choices)
    field = models.CharField(max_length=30, blank=True)
    message = models.CharField(max_length=300, blank=True)
    number = models.CharField(max_length=40, blank=True)
    si_code = models.CharField(max_length=20, blank=True)
    person_id = models.BigIntegerField(null=True)
    enrolment_id = models.BigIntegerField(null=True)
    paid_on = models.DateField(null=True)
    from_month = models.DateField(null=True)
    months = models.PositiveSmallIntegerField(null=True)
    income = models.PositiveBigIntegerField(null=True)
    gross = models.PositiveBigIntegerField(null=True)
    support = models.PositiveBigIntegerField(null=True)
    supported_months = models.PositiveSmallIntegerField(null=True)
    amount = models.PositiveBigIntegerField(null=True)
    collector_id = models.BigIntegerField(null=True)
    organisation_id = models.BigIntegerField(null=True)
    reason_code = models.CharField(max_length=12, blank=True)
    entry_id = models.BigIntegerField(null=True)

    class Meta:
        ordering = ["batch_id", "line"]
        # the writer reads the accepted rows of one batch of lines at a time
        indexes = [models.Index(fields=["batch", "status", "line"])]


class Notice(models.Model):
    """An in-app message (reminders to report reasons, visits assigned)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=80, blank=True)  # makes a reminder idempotent
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint("user", "key", condition=~Q(key=""), name="uniq_notice_key")
        ]
