"""The cycle issued for offices of several provinces at once (collection.cycle.priced_alike):
the provinces without parameter rows of their own are one statement per list kind, and each
entry is what the office's own cycle would give, in its office's run, priced for its
person's province."""

from datetime import date

import pytest

from ansinh.collection.choices import ListKind
from ansinh.collection.cycle import issue_cycles, priced_alike
from ansinh.collection.models import CycleEntry
from ansinh.parameters.table import current_table
from ansinh.places.models import Commune, Office, OfficeArea
from ansinh.registry.models import SupportMembership
from ansinh.rules.vsi import vsi_quote
from tests.factories import enrol

from .conftest import CYCLE

pytestmark = pytest.mark.django_db


def _office_in(province: str, code: str):
    office = Office.objects.create(code=code, kind=Office.Kind.BASE, province_id=province)
    commune = Commune.objects.filter(province_id=province).order_by("code").first()
    OfficeArea.objects.create(office=office, commune=commune, valid_from=date(2015, 1, 1))
    return office, commune.code


def _provinces():
    """One province with parameter rows of its own and two without."""
    own = sorted(current_table().provinces())
    assert own, "the parameters table has a province with its own rows (the test's premise)"
    others = [p for p in ("01", "79", "48", "92") if p not in own][:2]
    return own[0], others


def test_the_provinces_without_rows_of_their_own_are_one_group():
    own, others = _provinces()
    offices = [
        Office(code="A", province_id=others[0]),
        Office(code="B", province_id=own),
        Office(code="C", province_id=others[1]),
        Office(code="D", province_id=others[0]),
    ]
    groups = {p: [o.code for o in g] for p, g in priced_alike(offices, current_table())}
    assert groups == {others[0]: ["A", "C", "D"], own: ["B"]}


def test_each_entry_is_in_its_office_run_and_priced_for_its_province(office):
    own, others = _provinces()
    offices, people = [], {}
    for i, province in enumerate([own, *others]):
        o, commune = _office_in(province, f"P{i}")
        offices.append(o)
        due = enrol(office, f"Đến {province}", paid_through=date(2026, 10, 1), commune=commune)
        late = enrol(
            office, f"Trễ {province}", paid_through=date(2026, 6, 1), commune=commune, method="3"
        )
        SupportMembership.objects.create(
            person=due.person, group="poor", valid_from=date(2020, 1, 1)
        )
        people[province] = (o, due, late)
    results = issue_cycles(offices, CYCLE)
    runs = {r.run.office_id: r.run for r in results}
    assert len(runs) == 3 and all(r.created for r in results)
    table = current_table()
    for province, (o, due, late) in people.items():
        for enrolment, kind, group, months, on in (
            (due, ListKind.DUE, "poor", 1, date(2026, 11, 1)),
            (late, ListKind.UNPAID, "other", 3, date(2026, 10, 25)),
        ):
            entry = CycleEntry.objects.get(enrolment=enrolment, kind=kind)
            assert entry.run_id == runs[o.pk].pk
            q = vsi_quote(table, 2_000_000, (group,), on, months=months, province=province)
            assert entry.amount == q.net_total, (province, kind)
    assert CycleEntry.objects.count() == 6
