"""VSI and HI enrolments, receipts and the month-by-month voluntary contribution history."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.scope import ScopedQuerySet


class PaymentMethod(models.TextChoices):
    MONTHLY = "1", _("Monthly")
    QUARTERLY = "3", _("Every 3 months")
    HALF_YEARLY = "6", _("Every 6 months")
    YEARLY = "12", _("Every 12 months")
    ADVANCE = "advance", _("Lump sum for future years")
    MISSING_YEARS = "missing", _("Lump sum for missing years")

    @classmethod
    def period_months(cls, method: str, years: int = 0) -> int:
        if method in (cls.ADVANCE, cls.MISSING_YEARS):
            return 12 * max(years, 1)
        return int(method)


#: The modes a quote or a receipt may be priced with (rules.vsi.MODES): the enrolment's
#: methods and paying back missed months (where the parameters table allows it).
MODE_CHOICES = [*PaymentMethod.choices, ("payback", _("Paying back missed months"))]


class VsiStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended (missed a deadline)")
    STOPPED = "stopped", _("Stopped")


class StopReason(models.TextChoices):
    COMPULSORY = "compulsory", _("Moved to compulsory insurance")
    WITHDRAWAL = "withdrawal", _("Withdrew a lump sum")
    RETIRED = "retired", _("Retired (pension)")
    DIED = "died", _("Died")


class VsiEnrolmentQuerySet(ScopedQuerySet):
    def open(self):
        """The open VSI enrolments (not stopped: active or suspended), the one definition;
        a person has at most one (`one_open_vsi_enrolment_per_person`)."""
        return self.filter(is_open=True)


class VsiEnrolment(models.Model):
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="vsi_enrolments"
    )
    start_month = models.DateField(_("first month"))
    income = models.PositiveBigIntegerField(_("chosen monthly income"))
    method = models.CharField(
        _("payment method"), max_length=8, choices=PaymentMethod.choices, default="1"
    )
    lump_years = models.PositiveSmallIntegerField(_("years (lump sums)"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=VsiStatus.choices, default=VsiStatus.ACTIVE
    )
    stop_reason = models.CharField(
        _("reason stopped"), max_length=12, choices=StopReason.choices, blank=True
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    # Kept by the database: the one-open-enrolment rule's index reads it, not `status`, so
    # suspending and re-activating (the cycle, a payment) change no indexed column and update
    # the row in place (HOT: no index touched; decision 0016).
    is_open = models.GeneratedField(
        expression=Case(When(status=VsiStatus.STOPPED, then=Value(False)), default=Value(True)),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("open"),
    )
    # Not indexed (decision 0015): the cycle and the reports read whole provinces by scanning
    # the table, and an unindexed paid_through lets every payment update the row in place
    # (HOT, with the free space fillfactor leaves on each page: migration 0006).
    paid_through = models.DateField(_("paid through"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VsiEnrolmentQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        verbose_name = _("voluntary social insurance enrolment")
        constraints = [
            models.UniqueConstraint(
                "person", condition=Q(is_open=True), name="one_open_vsi_enrolment_per_person"
            )
        ]

    def __str__(self):
        return _("VSI %(person)s from %(month)s") % {
            "person": self.person.full_name,
            "month": self.start_month.strftime("%m/%Y"),
        }

    @property
    def period_months(self) -> int:
        return PaymentMethod.period_months(self.method, self.lump_years)


class HiStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LAPSED = "lapsed", _("Lapsed")
    STOPPED = "stopped", _("Stopped")


class HiEnrolment(models.Model):
    """One member of a household in household health insurance."""

    # Indexed by `hi_person_counts` below (with the columns the figures count), not alone.
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="hi_enrolments", db_index=False
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="hi_enrolments"
    )
    member_order = models.PositiveSmallIntegerField(_("member order"), default=1)
    period_months = models.PositiveSmallIntegerField(_("card period (months)"), default=12)
    start_month = models.DateField(_("first month"))
    card_from = models.DateField(_("card valid from"), null=True, blank=True)
    card_to = models.DateField(_("card valid to"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HiStatus.choices, default=HiStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        verbose_name = _("household health insurance enrolment")
        constraints = [
            models.UniqueConstraint(
                "person", condition=~Q(status="stopped"), name="one_open_hi_enrolment_per_person"
            )
        ]
        indexes = [
            # Cards starting in a month, new enrolments of a year (figures summary).
            models.Index(fields=["start_month"], name="hi_start_month"),
            # A person's cards; on PostgreSQL with the columns an office's figures count, so
            # they are read from the index for the office's people alone (decision 0030).
            models.Index(
                fields=["person"],
                include=["id", "status", "start_month", "card_to"],
                name="hi_person_counts",
            ),
        ]


class Scheme(models.TextChoices):
    VSI = "vsi", _("Voluntary social insurance")
    HI = "hi", _("Household health insurance")


class Receipt(models.Model):
    """A payment: who, how much, which months, the income base and the state support."""

    # Unique; on PostgreSQL without the varchar_pattern_ops LIKE index (migration 0003): no
    # query matches numbers with LIKE on a large table.
    number = models.CharField(_("receipt number"), max_length=40, unique=True)
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices)
    # person alone is served by the (person, paid_on) index below. The person and enrolment
    # exist by construction (decision 0015): both writers lock the enrolment row before they
    # write under it, and the enrolment's own foreign key holds its person; the ORM protects.
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="receipts",
        db_index=False,
        db_constraint=False,
    )
    # Not indexed (decision 0015): an enrolment's receipts are its person's, found by the
    # (person, paid_on) index; every imported receipt would pay for a random-key index.
    vsi_enrolment = models.ForeignKey(
        VsiEnrolment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
        db_index=False,
        db_constraint=False,
    )
    # Only HI receipts name a household: the index leaves the VSI receipts out (partial).
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    paid_on = models.DateField(_("date paid"))  # indexed with the payer: receipt_paid_on_person
    from_month = models.DateField(_("from month"))
    months = models.PositiveSmallIntegerField(_("months"))
    members = models.PositiveSmallIntegerField(_("members"), default=1)
    income = models.PositiveBigIntegerField(_("income base"), default=0)
    gross = models.PositiveBigIntegerField(_("amount due by law"))
    support = models.PositiveBigIntegerField(_("state support"), default=0)
    amount = models.PositiveBigIntegerField(_("paid by the participant"))
    # Who collected (attribution, decision 0014): PROTECT is enforced by the ORM; no database
    # constraint checked and no index maintained per receipt (nothing filters receipts on them).
    collector = models.ForeignKey(
        "collection.Collector",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    organisation = models.ForeignKey(
        "collection.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(max_length=10, default="manual")
    # Never filtered on (the audit trail names the user): no index to maintain per receipt.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("receipt")
        indexes = [
            models.Index(fields=["person", "paid_on"]),
            # The month's receipts by commune (figures summary): an index-only range scan.
            models.Index(fields=["paid_on", "person"], name="receipt_paid_on_person"),
            models.Index(
                fields=["household"],
                name="receipt_household",
                condition=models.Q(household__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number


class ContributionMonth(models.Model):
    """One month of voluntary contribution, written with the receipt that paid it."""

    # person and enrolment are copies of the receipt's (decision 0014), and the receipt is
    # written just before its months in the same transaction (decision 0015): no database
    # constraint, the ORM cascades. person alone is served by the unique (person, month) index.
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.CASCADE,
        related_name="contribution_months",
        db_index=False,
        db_constraint=False,
    )
    enrolment = models.ForeignKey(  # not indexed: by person, as the receipt's (decision 0015)
        VsiEnrolment,
        on_delete=models.CASCADE,
        related_name="contribution_months",
        db_index=False,
        db_constraint=False,
    )
    receipt = models.ForeignKey(
        Receipt, on_delete=models.CASCADE, related_name="contribution_months", db_constraint=False
    )
    month = models.DateField(_("month"))
    income = models.PositiveBigIntegerField(_("income"))
    gross = models.PositiveBigIntegerField(_("contribution"))
    support = models.PositiveBigIntegerField(_("state support"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        ordering = ["person_id", "month"]
        constraints = [
            models.UniqueConstraint("person", "month", name="one_contribution_per_person_month")
        ]
        # A month's contributors (figures summary, VSI participants): an index-only scan.
        indexes = [models.Index(fields=["month", "person"], name="contribution_month_person")]
