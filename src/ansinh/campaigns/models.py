"""Mobilisation campaigns ("the Model"): groups, launch days, door-to-door visits, who brought
whom in, and communication activities."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.scope import ScopedQuerySet

from .choices import ActivityKind, MemberRole, Outcome, RefusalReason, Scheme


class Mobiliser(models.Model):
    """Someone who mobilises people: staff, collector, commune official or collaborator.

    Stable across groups and campaigns, so the leaderboard can count years in the top.
    """

    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    collector = models.ForeignKey(
        "collection.Collector", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "office"

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                "office", "phone", condition=~Q(phone=""), name="one_mobiliser_per_phone"
            ),
            models.UniqueConstraint(
                "office",
                "collector",
                condition=Q(collector__isnull=False),
                name="one_mobiliser_per_collector",
            ),
        ]

    def save(self, *args, **kwargs):
        from ansinh.common.text import fold

        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.full_name


class Campaign(models.Model):
    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    communes = models.ManyToManyField(
        "places.Commune", related_name="+", verbose_name=_("communes")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_office_path = "office"

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="campaign_ordered")
        ]

    def __str__(self):
        return self.name


class Group(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune_id"

    class Meta:
        ordering = ["campaign_id", "name", "id"]

    def __str__(self):
        return self.name

    @property
    def leader(self):
        return next((m for m in self.members.all() if m.is_leader), None)


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    mobiliser = models.ForeignKey(Mobiliser, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    is_leader = models.BooleanField(_("leader"), default=False)

    class Meta:
        ordering = ["group_id", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint("group", "mobiliser", name="member_once_per_group"),
            models.UniqueConstraint("group", condition=Q(is_leader=True), name="one_leader"),
        ]

    def __str__(self):
        return self.mobiliser.full_name


class LaunchDay(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    hamlet = models.ForeignKey(
        "places.Hamlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hamlet"),
    )
    place = models.CharField(_("meeting place"), max_length=200)
    target_vsi = models.PositiveIntegerField(_("target: new VSI participants"), default=0)
    target_hi = models.PositiveIntegerField(_("target: new HI participants"), default=0)
    lessons = models.TextField(_("lessons learned"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "group__commune_id"

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.group} {self.date:%d/%m/%Y}"


class Visit(models.Model):
    """A household or person met door to door; `uuid` is made on the phone, so a re-send
    after the signal returns is recognised and merged."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    day = models.ForeignKey(LaunchDay, on_delete=models.PROTECT, related_name="visits")
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        GroupMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    met_name = models.CharField(_("person or household met"), max_length=160, blank=True)
    hamlet = models.ForeignKey(
        "places.Hamlet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    refusal_reason = models.CharField(
        _("reason refused"), max_length=16, choices=RefusalReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    new_vsi = models.BooleanField(default=False)
    new_hi = models.BooleanField(default=False)
    vsi_enrolment = models.ForeignKey(
        "enrolment.VsiEnrolment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField(_("visited at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune_id"

    class Meta:
        ordering = ["-visited_at", "-id"]


class Recruitment(models.Model):
    """Who brought a participant in (the leaderboard counts these rows).

    Written with a visit that enrols someone (credited to the group member), and by
    `services.credit_collectors` for enrolments with no visit (credited to the collector
    assigned to the person at first enrolment). See docs/decisions/0011.
    """

    mobiliser = models.ForeignKey(Mobiliser, on_delete=models.PROTECT, related_name="recruitments")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    scheme = models.CharField(max_length=3, choices=Scheme.choices)
    vsi_enrolment = models.ForeignKey(
        "enrolment.VsiEnrolment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    hi_enrolment = models.ForeignKey(
        "enrolment.HiEnrolment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="recruitments"
    )
    on = models.DateField(_("date"), db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_person_path = "person__"

    class Meta:
        constraints = [
            models.UniqueConstraint("vsi_enrolment", name="one_recruiter_per_vsi_enrolment"),
            models.UniqueConstraint("hi_enrolment", name="one_recruiter_per_hi_enrolment"),
        ]


class CommunicationActivity(models.Model):
    office = models.ForeignKey("places.Office", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    commune = models.ForeignKey(
        "places.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    reach = models.PositiveIntegerField(_("people reached"), default=0)
    cost = models.PositiveBigIntegerField(_("cost (đ)"), default=0)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("campaign"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_commune_path = "commune_id"

    class Meta:
        ordering = ["-date", "-id"]
