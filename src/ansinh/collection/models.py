"""Collection organisations (post office, Viettel, others) and their collectors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        ordering = ["name"]
        verbose_name = _("collection organisation")

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
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("collector")

    def __str__(self):
        return f"{self.full_name} ({self.code})"
