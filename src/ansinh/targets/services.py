"""Writing targets, their split and commune and hamlet populations: one transaction each,
audited."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ansinh.accounts.audit import audited_save, record
from ansinh.accounts.scope import scope_for
from ansinh.collection.models import Collector, Organisation
from ansinh.common.text import fold
from ansinh.places.models import Commune, Hamlet

from .choices import Level
from .models import OfficeTarget, TargetShare
from .population import PopulationRow
from .queries import can_set_targets, can_split_targets, office_communes, visible_offices


def _check_office(user, office):
    if not visible_offices(user).filter(pk=office.pk).exists():
        raise PermissionDenied(_("This office is outside your area."))


@transaction.atomic
def set_target(user, office, year: int, metric: str, value: int) -> OfficeTarget:
    """The province sets (or changes) an office's target for a year."""
    if not can_set_targets(user):
        raise PermissionDenied(_("Only the province sets an office's targets."))
    _check_office(user, office)
    if value < 0:
        raise ValidationError({"value": _("A target cannot be negative.")})
    target = OfficeTarget.objects.filter(office=office, year=year, metric=metric).first()
    target = target or OfficeTarget(office=office, year=year, metric=metric)
    parts = defaultdict(int)
    if target.pk:
        for s in target.shares.all():
            parts[s.level] += s.value
    for level, total in parts.items():
        if total > value:
            raise ValidationError(
                {
                    "value": _("The %(level)s already share %(parts)s; the target cannot be lower.")
                    % {"level": Level(level).label.lower(), "parts": total}
                }
            )
    target.value, target.set_by = value, user
    return audited_save(target, user)


def _units(office, level):
    if level == Level.COMMUNE:
        return {c.code: c for c in office_communes(office)}
    if level == Level.ORGANISATION:
        return {o.pk: o for o in Organisation.objects.filter(office=office)}
    return {c.pk: c for c in Collector.objects.filter(organisation__office=office)}


@transaction.atomic
def split_target(user, target: OfficeTarget, level: str, values: dict) -> list[TargetShare]:
    """Replace the target's split at one level; the parts may not exceed the whole.

    Collectors' parts may also not exceed their organisation's part, when one is set.
    """
    if not can_split_targets(user):
        raise PermissionDenied(_("Your role cannot split targets."))
    target = OfficeTarget.objects.select_for_update().get(pk=target.pk)
    _check_office(user, target.office)
    units = _units(target.office, level)
    cleaned = {}
    for key, value in values.items():
        unit = units.get(key) or units.get(str(key))
        if unit is None:
            try:
                unit = units.get(int(key))
            except (TypeError, ValueError):
                unit = None
        if unit is None:
            raise ValidationError(_("%(unit)s is not part of this office.") % {"unit": key})
        if value is None or value == 0:
            continue
        if value < 0:
            raise ValidationError(_("A share cannot be negative."))
        cleaned[unit.pk] = (unit, int(value))
    total = sum(v for _u, v in cleaned.values())
    if total > target.value:
        raise ValidationError(
            _("The parts add up to %(parts)s, more than the whole target of %(whole)s.")
            % {
                "parts": f"{total:,}".replace(",", "."),
                "whole": f"{target.value:,}".replace(",", "."),
            }
        )
    if level == Level.COLLECTOR:
        org_shares = {
            s.organisation_id: s.value for s in target.shares.filter(level=Level.ORGANISATION)
        }
        per_org = defaultdict(int)
        for unit, value in cleaned.values():
            per_org[unit.organisation_id] += value
        for org_id, sub in per_org.items():
            if org_id in org_shares and sub > org_shares[org_id]:
                org = Organisation.objects.get(pk=org_id)
                raise ValidationError(
                    _("The collectors of %(org)s share %(parts)s, more than its %(whole)s.")
                    % {"org": org.name, "parts": sub, "whole": org_shares[org_id]}
                )
    if level == Level.ORGANISATION:
        per_org = defaultdict(int)
        for s in target.shares.filter(level=Level.COLLECTOR).select_related("collector"):
            per_org[s.collector.organisation_id] += s.value
        for org_id, sub in per_org.items():
            if sub > (cleaned.get(org_id, (None, 0))[1]):
                org = Organisation.objects.get(pk=org_id)
                raise ValidationError(
                    _("The collectors of %(org)s already share %(parts)s, more than its new part.")
                    % {"org": org.name, "parts": sub}
                )
    old = target.shares.filter(level=level)
    before = {"level": level, "shares": _share_values(old)}
    old.delete()
    shares = [
        TargetShare(
            target=target,
            level=level,
            value=value,
            **{
                Level.COMMUNE: {"commune": unit},
                Level.ORGANISATION: {"organisation": unit},
                Level.COLLECTOR: {"collector": unit},
            }[level],
        )
        for unit, value in cleaned.values()
    ]
    TargetShare.objects.bulk_create(shares)
    after = {"level": level, "shares": _share_values(shares)}
    record(user, target, before, action="update", after=after)
    return shares


def _share_values(shares) -> dict[str, int]:
    """A level's shares as {commune code, organisation or collector id: value}, for the log."""
    values = {str(s.commune_id or s.organisation_id or s.collector_id): s.value for s in shares}
    return dict(sorted(values.items()))


@transaction.atomic
def import_population(user, rows: list[PopulationRow]) -> int:
    """Write each commune's population and working-age population: all rows or none.

    Every row is checked first; a commune that does not exist or lies outside the user's
    area is reported with its row and field, and nothing is written.
    """
    known = _population_communes(user, rows)
    errors = [e for r in rows if (e := _commune_error(user, r, known))]
    if errors:
        raise ValidationError(errors)
    for r in rows:
        _write_population(user, known[r.code], r)
    return len(rows)


@transaction.atomic
def import_hamlet_population(user, rows: list[PopulationRow]) -> int:
    """Write each hamlet's population and working-age population: all rows or none.

    A hamlet is named by its commune's code and its name (as the office keeps it, matched
    without regard to case or diacritics: "ap Long Hung A" is "Ấp Long Hưng A"). A commune
    that does not exist or lies outside the user's area, or a hamlet the office has not
    recorded, is reported with its row and field, and nothing is written.
    """
    known = _population_communes(user, rows)
    hamlets = {
        (h.commune_id, fold(h.name)): h
        for h in Hamlet.objects.select_for_update().filter(commune_id__in=list(known))
    }
    errors = []
    for r in rows:
        error = _commune_error(user, r, known)
        if error is None and (r.code, fold(r.hamlet)) not in hamlets:
            error = _(
                "Row %(row)s, field hamlet_name: %(commune)s has no hamlet %(name)s "
                "(add it on the office page first)."
            ) % {"row": r.row, "commune": known[r.code].name, "name": r.hamlet}
        if error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    for r in rows:
        _write_population(user, hamlets[(r.code, fold(r.hamlet))], r)
    return len(rows)


def _population_communes(user, rows: list[PopulationRow]) -> dict:
    """The communes the rows name (by code), once the user may load population figures."""
    if not can_split_targets(user):
        raise PermissionDenied(_("Your role cannot load population figures."))
    return Commune.objects.in_bulk(list({r.code for r in rows}))


def _commune_error(user, r: PopulationRow, known: dict) -> str | None:
    """Why a row's commune cannot be loaded: unknown, or outside the user's area."""
    if r.code not in known:
        return _("Row %(row)s, field commune_code: unknown commune %(code)s.") % {
            "row": r.row,
            "code": r.code or "''",
        }
    communes = scope_for(user).communes
    if communes is not None and r.code not in communes:
        return _("Row %(row)s, field commune_code: %(name)s is outside your area.") % {
            "row": r.row,
            "name": known[r.code].name,
        }
    return None


def _write_population(user, place, r: PopulationRow) -> None:
    """A commune's or hamlet's figures from a row, audited."""
    before = {"population": place.population, "working_age": place.working_age_population}
    place.population = r.population
    place.working_age_population = r.working_age_population
    place.save(update_fields=["population", "working_age_population"])
    record(user, place, before, action="update")


def population_template_rows(office, level: str = "commune") -> list[list]:
    """The office's communes (or their hamlets) with the figures held now, to fill in."""
    communes = office_communes(office, date.today())
    if level == "hamlet":
        hamlets = Hamlet.objects.filter(commune__in=communes).order_by("commune__name", "name")
        return [
            [h.commune_id, h.name, h.population or "", h.working_age_population or ""]
            for h in hamlets
        ]
    return [[c.code, c.name, c.population or "", c.working_age_population or ""] for c in communes]
