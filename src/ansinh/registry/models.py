"""Persons, households, support groups per period and earlier compulsory periods."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.scope import ScopedQuerySet
from ansinh.common.text import fold


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class SupportGroup(models.TextChoices):
    """The groups for state support of voluntary social insurance (rules: SUPPORT_GROUPS)."""

    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic minority")
    ISLAND = "island", _("Island commune or special zone")
    OTHER = "other", _("Other")


class Household(models.Model):
    code = models.CharField(_("household code"), max_length=20, blank=True, db_index=True)
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    hamlet = models.ForeignKey(
        "places.Hamlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune_id"
    scope_members_path = "members"

    class Meta:
        verbose_name = _("household")

    def __str__(self):
        head = self.members.order_by("household_order").first()
        return _("Household of %(name)s") % {"name": head.full_name} if head else self.code


class Person(models.Model):
    full_name = models.CharField(_("full name"), max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"))
    birth_year_only = models.BooleanField(_("year of birth only"), default=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    cccd = models.CharField(_("national ID (CCCD)"), max_length=12, blank=True, db_index=True)
    si_code = models.CharField(_("social-insurance code"), max_length=10, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True, db_index=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=40, default="Kinh")
    commune = models.ForeignKey(
        "places.Commune",
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("commune"),
    )
    hamlet = models.ForeignKey(
        "places.Hamlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("hamlet"),
    )
    address = models.CharField(_("street address"), max_length=200, blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    household_order = models.PositiveSmallIntegerField(_("order in household"), default=1)
    collector = models.ForeignKey(
        "collection.Collector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="persons",
        verbose_name=_("collector"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = ""

    class Meta:
        ordering = ["name_folded", "id"]
        verbose_name = _("person")
        indexes = [
            models.Index(fields=["commune", "hamlet"]),
            # A commune's people as an index-only scan (joins of counts by commune).
            models.Index(fields=["commune", "id"], name="person_commune_id"),
        ]

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.full_name

    def likely_duplicates(self):
        """Other persons with the same CCCD or social-insurance code: flagged, never merged."""
        q = Q()
        if self.cccd:
            q |= Q(cccd=self.cccd)
        if self.si_code:
            q |= Q(si_code=self.si_code)
        if not q:
            return Person.objects.none()
        return Person.objects.filter(q).exclude(pk=self.pk)


class SupportMembership(models.Model):
    """A person's support group over a period (poor and near-poor are certified per year)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="support_groups")
    group = models.CharField(_("group"), max_length=16, choices=SupportGroup.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    document = models.CharField(_("certificate"), max_length=120, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        ordering = ["person_id", "valid_from"]

    def covers(self, on) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class CompulsoryPeriod(models.Model):
    """Months of earlier compulsory insurance (from, to inclusive, by month) and the salary."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="compulsory_periods")
    start = models.DateField(_("from month"))
    end = models.DateField(_("to month"))
    salary = models.PositiveBigIntegerField(_("monthly salary"))
    employer = models.CharField(_("employer"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        ordering = ["person_id", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_ordered")
        ]
