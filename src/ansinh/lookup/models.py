"""Every look-up a participant makes on the public page: when, from where, for which
identity (both as keyed hashes, never the numbers), and what it found."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    HIT = "hit", _("Found")
    MISS = "miss", _("Not found")
    LIMITED = "limited", _("Refused: too many look-ups")
    INVALID = "invalid", _("Refused: unreadable input")


class LookupLog(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip_hash = models.CharField(_("IP address (hashed)"), max_length=64, db_index=True)
    identity_hash = models.CharField(
        _("code entered (hashed)"), max_length=64, blank=True, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    # Set on a hit only: the office whose commune it is sees the look-up in the admin.
    commune = models.ForeignKey(
        "places.Commune",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commune"),
    )
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person"),
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("participant look-up")
        verbose_name_plural = _("participant look-ups")

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_outcome_display()}"
