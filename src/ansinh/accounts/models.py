"""Users with a role and the place, organisation or collector it is scoped to; the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCIAL_ADMIN = "provincial_admin", _("Provincial administrator")
    OFFICE_MANAGER = "office_manager", _("Office manager")
    OFFICIAL = "official", _("Social-insurance official")
    ORGANISATION_MANAGER = "organisation_manager", _("Collection-organisation manager")
    COLLECTOR = "collector", _("Collector")
    COMMUNE_LEADER = "commune_leader", _("Commune leader")


#: Roles that see national ID numbers in full; every other role sees them masked.
ROLES_SEEING_PERSONAL_NUMBERS = {Role.PROVINCIAL_ADMIN, Role.OFFICE_MANAGER, Role.OFFICIAL}
#: Roles that see social-insurance codes and phone numbers in full: the office, and the
#: collection staff who collect from and call their own participants (decision 0024).
ROLES_SEEING_CONTACT_NUMBERS = ROLES_SEEING_PERSONAL_NUMBERS | {
    Role.ORGANISATION_MANAGER,
    Role.COLLECTOR,
}
#: Roles that may register people and enrol them.
ROLES_EDITING_REGISTRY = {Role.PROVINCIAL_ADMIN, Role.OFFICE_MANAGER, Role.OFFICIAL}
#: Roles that may record receipts.
ROLES_RECORDING_RECEIPTS = ROLES_EDITING_REGISTRY | {Role.ORGANISATION_MANAGER, Role.COLLECTOR}


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.OFFICIAL)
    province = models.ForeignKey(
        "places.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "places.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    organisation = models.ForeignKey(
        "collection.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    collector = models.OneToOneField(
        "collection.Collector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    commune = models.ForeignKey(
        "places.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self):
        return self.full_name or self.username

    @property
    def sees_personal_numbers(self) -> bool:
        return self.is_superuser or self.role in ROLES_SEEING_PERSONAL_NUMBERS

    def sees_number(self, kind: str) -> bool:
        """Whether this user sees a person's `kind` of number ("cccd", "si_code", "phone")
        in full on pages and in exports; the others see it masked."""
        if kind == "cccd":
            return self.sees_personal_numbers
        return self.is_superuser or self.role in ROLES_SEEING_CONTACT_NUMBERS

    @property
    def edits_registry(self) -> bool:
        return self.is_superuser or self.role in ROLES_EDITING_REGISTRY

    @property
    def records_receipts(self) -> bool:
        return self.is_superuser or self.role in ROLES_RECORDING_RECEIPTS


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
