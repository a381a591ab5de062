"""The law's figures: one effective-dated table, each row with its legal source.

Seeded from `ansinh.rules.parameters.DEFAULT_PARAMETERS`; an administrator edits rows
in the admin (e.g. when an UNCONFIRMED figure is confirmed) without a code change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Parameter(models.Model):
    class ValueType(models.TextChoices):
        INT = "int", _("whole number")
        DECIMAL = "decimal", _("decimal")
        BOOL = "bool", _("yes/no")
        STR = "str", _("text")

    key = models.CharField(_("key"), max_length=80, db_index=True)
    value = models.CharField(_("value"), max_length=100)
    value_type = models.CharField(_("type"), max_length=8, choices=ValueType.choices)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force to"), null=True, blank=True)
    province = models.CharField(
        _("province code"), max_length=2, blank=True, help_text=_("empty: national")
    )
    source = models.CharField(_("legal source"), max_length=300, blank=True)
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "province", "valid_from"]
        constraints = [
            models.UniqueConstraint("key", "province", "valid_from", name="uniq_parameter_in_force")
        ]
        verbose_name = _("legal parameter")
        verbose_name_plural = _("legal parameters")

    def __str__(self):
        return f"{self.key} = {self.value} ({self.valid_from})"
