"""Provinces and communes (the 2025 map), hamlets, and offices with their areas over time."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ansinh.common.text import fold


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    codename = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")

    def __str__(self):
        return self.name


class Commune(models.Model):
    code = models.CharField(_("code"), max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    name_folded = models.CharField(max_length=100, db_index=True, editable=False)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    working_age_population = models.PositiveIntegerField(
        _("working-age population"), null=True, blank=True
    )

    class Meta:
        ordering = ["province_id", "name"]
        verbose_name = _("commune")

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name


class Hamlet(models.Model):
    """Ap / thon / to dan pho: kept by the office, not by the national list."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="hamlets")
    name = models.CharField(_("name"), max_length=100)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    working_age_population = models.PositiveIntegerField(
        _("working-age population"), null=True, blank=True
    )

    class Meta:
        ordering = ["commune_id", "name"]
        constraints = [models.UniqueConstraint("commune", "name", name="uniq_hamlet_name")]
        verbose_name = _("hamlet")

    def __str__(self):
        return self.name


class Office(models.Model):
    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial social insurance")
        BASE = "base", _("Base social insurance office")

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="offices")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    scope_office_path = "pk"

    class Meta:
        ordering = ["province_id", "code"]
        verbose_name = _("office")

    def __str__(self):
        return self.name_on()

    def name_on(self, on: date | None = None) -> str:
        """The office's name in force on a date (offices are renamed)."""
        on = on or date.today()
        names = [n for n in self.names.all() if n.valid_from <= on]
        if names:
            return max(names, key=lambda n: n.valid_from).name
        first = min(self.names.all(), key=lambda n: n.valid_from, default=None)
        return first.name if first else self.code

    def communes_on(self, on: date | None = None):
        on = on or date.today()
        return Commune.objects.filter(
            Q(office_areas__valid_to__isnull=True) | Q(office_areas__valid_to__gte=on),
            office_areas__office=self,
            office_areas__valid_from__lte=on,
        ).distinct()


class OfficeName(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        ordering = ["office_id", "valid_from"]


class OfficeArea(models.Model):
    """A commune served by an office over a period; history survives reorganisations."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="areas")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="office_areas")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["office_id", "valid_from"]
