"""The one scoping point: what a user may see, computed once and applied to every query.

`scope_for(user)` is the only role ladder. It computes, once per request, the communes, the
offices and the collection organisations a user may see (None = no restriction on that
axis), and for collection staff the organisation or collector whose participants they look
after. Every page, export, count, API view and background summary passes its queryset
through `restrict(queryset, user)`.

A model says how it reaches those sets with class attributes (see decision 0017):

- `scope_person_path`: the prefix to a person (`"person__"`; `""` for the person itself or a
  frozen snapshot row holding `commune_id` and `collector_id`);
- `scope_commune_path`: the field holding a commune (`"commune_id"`), with
  `scope_members_path` for a household-like model collection staff reach through members;
- `scope_office_path`: the field (or a tuple of fields, any of which may match) holding an
  office, for office-level data (targets, campaigns, cycles, organisations);
- `scope_organisation_path` / `scope_collector_path`: the narrower fields collection staff
  are limited by when the model has them.

A model declaring none raises `TypeError`, so forgetting scope on a new model fails loudly.
System jobs with no user (the reminders) pass `SYSTEM` explicitly: nothing runs unscoped
by omission.
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Q

from ansinh.places.models import Commune, Office, OfficeArea

from .models import Role

OFFICE_ROLES = (Role.OFFICE_MANAGER, Role.OFFICIAL)


class _System:
    """The scheduled jobs' stand-in for a user: sees everything, and says so at the call."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = None
    pk = None

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


@dataclass(frozen=True)
class Scope:
    communes: frozenset[str] | None = None  # None: no commune restriction
    offices: frozenset[int] | None = None  # None: every office
    organisations: frozenset[int] | None = None  # None: the organisations of `offices`
    organisation_id: int | None = None  # collection staff: whose participants
    collector_id: int | None = None
    nothing: bool = False

    @property
    def unrestricted(self) -> bool:
        return (
            not self.nothing
            and self.communes is None
            and self.offices is None
            and self.organisations is None
            and not self.restricted_to_collection
        )

    @property
    def restricted_to_collection(self) -> bool:
        return self.organisation_id is not None or self.collector_id is not None

    def person_q(self, prefix: str = "") -> Q:
        """A filter on Person (reached through `prefix`, e.g. 'person__')."""
        if self.nothing:
            return Q(pk__in=[])
        q = Q()
        if self.communes is not None:
            q &= Q(**{f"{prefix}commune_id__in": self.communes})
        if self.collector_id is not None:
            q &= Q(**{f"{prefix}collector_id": self.collector_id})
        elif self.organisation_id is not None:
            q &= Q(**{f"{prefix}collector__organisation_id": self.organisation_id})
        return q

    def commune_q(self, path: str = "commune_id") -> Q:
        if self.nothing:
            return Q(pk__in=[])
        if self.communes is None:
            return Q()
        return Q(**{f"{path}__in": self.communes})


def _any_of(paths, values) -> Q:
    if isinstance(paths, str):
        paths = (paths,)
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{path}__in": values})
    return q


def office_communes(office, on: date | None = None) -> frozenset[str]:
    """The communes an office and the offices under it serve on a date."""
    on = on or date.today()
    offices = [office.pk] + list(office.children.values_list("pk", flat=True))
    rows = OfficeArea.objects.filter(office_id__in=offices, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return frozenset(rows.values_list("commune_id", flat=True))


def _serving(communes, on: date) -> frozenset[int]:
    """The offices serving any of `communes` on a date (not those that once did)."""
    rows = OfficeArea.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        commune_id__in=communes,
        valid_from__lte=on,
    )
    return frozenset(rows.values_list("office_id", flat=True))


def scope_for(user) -> Scope:
    """Compute a user's scope (cached on the user object for the request)."""
    cached = getattr(user, "_ansinh_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    try:
        user._ansinh_scope = scope
    except AttributeError:
        pass
    return scope


def _compute(user) -> Scope:
    """The role ladder: the one place that says who sees what."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(nothing=True)
    if user.is_superuser:
        return Scope()
    role, today = user.role, date.today()
    if role == Role.PROVINCIAL_ADMIN:
        if user.province_id is None:
            return Scope(nothing=True)
        codes = frozenset(
            Commune.objects.filter(province_id=user.province_id).values_list("code", flat=True)
        )
        own = Office.objects.filter(province_id=user.province_id).values_list("pk", flat=True)
        return Scope(communes=codes, offices=frozenset(own) | _serving(codes, today))
    if role in OFFICE_ROLES:
        if not user.office_id:
            return Scope(nothing=True)
        children = user.office.children.values_list("pk", flat=True)
        return Scope(
            communes=office_communes(user.office, today),
            offices=frozenset([user.office_id, *children]),
        )
    if role in (Role.ORGANISATION_MANAGER, Role.COLLECTOR):
        collector = user.collector if role == Role.COLLECTOR else None
        organisation = collector.organisation if collector else user.organisation
        if organisation is None:
            return Scope(nothing=True)
        return Scope(
            offices=frozenset([organisation.office_id]),
            organisations=frozenset([organisation.pk]),
            organisation_id=organisation.pk,
            collector_id=collector.pk if collector else None,
        )
    if role == Role.COMMUNE_LEADER:
        if not user.commune_id:
            return Scope(nothing=True)
        communes = frozenset([user.commune_id])
        # A commune leader sees the office serving the commune (its targets and campaigns)
        # but looks after no collection organisation.
        return Scope(
            communes=communes, offices=_serving(communes, today), organisations=frozenset()
        )
    return Scope(nothing=True)


def restrict(queryset, user):
    """Filter any scoped model's queryset to what `user` may see.

    The finest path a model declares wins: a person or commune, else the collector, the
    organisation, the office.
    """
    scope = scope_for(user)
    model = queryset.model
    if scope.unrestricted:
        return queryset
    if scope.nothing:
        return queryset.none()
    person_path = getattr(model, "scope_person_path", None)
    if person_path is not None:
        return queryset.filter(scope.person_q(person_path))
    commune_path = getattr(model, "scope_commune_path", None)
    if commune_path is not None:
        if scope.restricted_to_collection:
            return _restrict_commune_model_to_collection(queryset, scope)
        return queryset.filter(scope.commune_q(commune_path))
    collector_path = getattr(model, "scope_collector_path", None)
    if collector_path is not None and scope.collector_id is not None:
        return queryset.filter(_any_of(collector_path, [scope.collector_id]))
    organisation_path = getattr(model, "scope_organisation_path", None)
    if organisation_path is not None and scope.organisations is not None:
        return queryset.filter(_any_of(organisation_path, scope.organisations))
    office_path = getattr(model, "scope_office_path", None)
    if office_path is not None:
        if scope.offices is None:
            return queryset
        return queryset.filter(_any_of(office_path, scope.offices))
    raise TypeError(f"{model.__name__} declares no scope path")


def _restrict_commune_model_to_collection(queryset, scope: Scope):
    """Households and the like, for collection staff: those with a member they look after."""
    members_path = getattr(queryset.model, "scope_members_path", None)
    if members_path is None:
        return queryset.none()
    return queryset.filter(scope.person_q(f"{members_path}__")).distinct()


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user):
        return restrict(self, user)
