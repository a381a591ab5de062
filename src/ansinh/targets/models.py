"""Yearly targets set by the province for an office, and their split to communes,
collection organisations and collectors ("individual growth targets")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.scope import ScopedQuerySet

from .choices import Level, Metric


class OfficeTarget(models.Model):
    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("target"), max_length=8, choices=Metric.choices)
    value = models.PositiveIntegerField(_("target value"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "office"

    class Meta:
        ordering = ["office_id", "-year", "metric"]
        verbose_name = _("office target")
        constraints = [
            models.UniqueConstraint("office", "year", "metric", name="one_target_per_office_year")
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.year}: {self.value}"


class TargetShare(models.Model):
    """One part of an office target given to a commune, an organisation or a collector."""

    target = models.ForeignKey(OfficeTarget, on_delete=models.CASCADE, related_name="shares")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "collection.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    collector = models.ForeignKey(
        "collection.Collector", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveIntegerField(_("share of the target"))

    class Meta:
        ordering = ["target_id", "level", "id"]
        constraints = [
            models.CheckConstraint(
                name="share_names_one_unit",
                condition=(
                    Q(
                        level="commune",
                        commune__isnull=False,
                        organisation__isnull=True,
                        collector__isnull=True,
                    )
                    | Q(
                        level="organisation",
                        commune__isnull=True,
                        organisation__isnull=False,
                        collector__isnull=True,
                    )
                    | Q(
                        level="collector",
                        commune__isnull=True,
                        organisation__isnull=True,
                        collector__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint("target", "commune", name="one_share_per_commune"),
            models.UniqueConstraint("target", "organisation", name="one_share_per_organisation"),
            models.UniqueConstraint("target", "collector", name="one_share_per_collector"),
        ]

    @property
    def unit(self):
        return self.commune or self.organisation or self.collector

    @property
    def unit_id(self):
        return self.commune_id or self.organisation_id or self.collector_id
