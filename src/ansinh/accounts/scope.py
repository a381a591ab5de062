"""The one scoping point: what a user may see, computed once and applied to every query.

A `Scope` holds the communes a user covers (None = the whole country), and, for
collection staff, the organisation or collector whose participants they look after.
Every page, export, count and API view passes its queryset through `restrict()`;
models say how they reach a person (`scope_person_path`) or a commune
(`scope_commune_path`).
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Q

from .models import Role


@dataclass(frozen=True)
class Scope:
    communes: frozenset[str] | None = None  # None: no commune restriction
    organisation_id: int | None = None
    collector_id: int | None = None
    nothing: bool = False

    @property
    def unrestricted(self) -> bool:
        return not self.nothing and self.communes is None and not self.restricted_to_collection

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


def office_communes(office, on: date | None = None) -> frozenset[str]:
    from ansinh.places.models import OfficeArea

    on = on or date.today()
    offices = [office.pk] + list(office.children.values_list("pk", flat=True))
    rows = OfficeArea.objects.filter(office_id__in=offices, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return frozenset(rows.values_list("commune_id", flat=True))


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
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(nothing=True)
    if user.is_superuser:
        return Scope()
    role = user.role
    if role == Role.PROVINCIAL_ADMIN:
        if user.province_id is None:
            return Scope(nothing=True)
        from ansinh.places.models import Commune

        codes = Commune.objects.filter(province_id=user.province_id).values_list("code", flat=True)
        return Scope(communes=frozenset(codes))
    if role in (Role.OFFICE_MANAGER, Role.OFFICIAL):
        return (
            Scope(communes=office_communes(user.office)) if user.office_id else Scope(nothing=True)
        )
    if role == Role.ORGANISATION_MANAGER:
        if not user.organisation_id:
            return Scope(nothing=True)
        return Scope(organisation_id=user.organisation_id)
    if role == Role.COLLECTOR:
        if not user.collector_id:
            return Scope(nothing=True)
        return Scope(collector_id=user.collector_id)
    if role == Role.COMMUNE_LEADER:
        if not user.commune_id:
            return Scope(nothing=True)
        return Scope(communes=frozenset([user.commune_id]))
    return Scope(nothing=True)


def restrict(queryset, user):
    """Filter any scoped model's queryset to what `user` may see."""
    scope = scope_for(user)
    model = queryset.model
    if scope.unrestricted:
        return queryset
    person_path = getattr(model, "scope_person_path", None)
    if person_path is not None:
        return queryset.filter(scope.person_q(person_path))
    commune_path = getattr(model, "scope_commune_path", None)
    if commune_path is not None:
        if scope.restricted_to_collection:
            return _restrict_commune_model_to_collection(queryset, scope)
        return queryset.filter(scope.commune_q(commune_path))
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
