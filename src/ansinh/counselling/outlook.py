"""A person's pension outlook and the counselling comparison, from the rules engine.

Used by the person's file, the counselling page and its printable sheet, so the three
always show the same figures.
"""

import functools
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

from ansinh.enrolment.queries import open_vsi
from ansinh.parameters.table import current_table, version_of
from ansinh.registry.queries import groups_on
from ansinh.rules.months import Month
from ansinh.rules.parameters import current_use, track_parameters
from ansinh.rules.pension import (
    ContributionMonth,
    PensionAssessment,
    Projection,
    assess,
    constant_history,
    continuation_start,
    project_continuation,
    withdrawal_month,
)
from ansinh.rules.retirement import Retirement, retirement
from ansinh.rules.vsi import income_bounds


@dataclass
class Outlook:
    today: Month
    retirement: Retirement
    now: PensionAssessment
    projection: Projection | None
    projected_income: int | None
    income_is_assumed: bool


def person_outlook(person, history: list[ContributionMonth], today: date | None = None) -> Outlook:
    """Years counted so far, the retirement month, and the pension if they keep paying.

    The record is assessed as a withdrawal this month would count it (``withdrawal_month``),
    as the comparison on the counselling page and its sheet assess it (``compare_person``):
    this month counts once paid, months paid ahead after it do not (they are refunded).

    Remembered for the day under everything it is computed from (the parameter table's
    version, the person's sex, birth month and province, the income and support groups, the
    month and the whole contribution history): a payment, an edit or a new parameter row is a
    new key, so a remembered outlook is never out of date (``_remembered``)."""
    table = current_table()
    today_month = Month.of(today or date.today())
    born = Month.of(person.birth_date)
    start = continuation_start(history, today_month)
    enrolment = open_vsi(person)
    income = at_least_minimum(table, enrolment.income if enrolment else 0, start)
    inputs = (
        person.sex,
        born,
        tuple(history),
        today_month,
        income,
        enrolment is None,
        tuple(groups_on(person, start.first_day())),
        person.commune.province_id,
    )
    return _remembered(table, inputs, lambda: _outlook(table, *inputs))


def _outlook(table, sex, born, history, today_month, income, assumed, groups, province):
    ret = retirement(sex, born, table)
    start = continuation_start(history, today_month)
    now = assess(table, sex, born, history, withdrawal_month(start, today_month))
    projection = None
    if not now.eligible:
        projection = project_continuation(
            table, sex, born, history, income, start, groups=groups, province=province
        )
    return Outlook(today_month, ret, now, projection, income, assumed)


@functools.cache
def _code_version() -> str:
    """A digest of the code an outlook is computed by (the rules engine and this module): a
    deployment that changes how a pension is computed, or the shape of what is kept, makes
    every remembered outlook a miss."""
    from ansinh import rules

    files = sorted(Path(rules.__file__).parent.glob("*.py")) + [Path(__file__)]
    return hashlib.sha1(b"".join(f.read_bytes() for f in files)).hexdigest()


def _remembered(table, inputs: tuple, compute):
    """`compute()`, kept for a day in the outlook cache (every process of the server shares
    it) under a digest of the code, the table's version and `inputs`; computed afresh when
    the table is not the current one. The parameter rows the computation read are kept with
    it and read again on a hit, so a page says which of its figures rest on unconfirmed rows
    (common.unconfirmed) whether the outlook was computed or remembered."""
    version = version_of(table)
    if version is None:
        return compute()
    digest = hashlib.sha1(repr((_code_version(), version, inputs)).encode()).hexdigest()
    key = f"ansinh.outlook:{digest}"
    store = caches[settings.OUTLOOK_CACHE]
    found = store.get(key)
    if found is None:
        with track_parameters() as used:
            found = (compute(), tuple(used.rows))
        store.set(key, found, timeout=24 * 3600)
        return found[0]
    outlook, rows = found
    if (use := current_use()) is not None:
        for row in rows:
            use.add(row)
    return outlook


def default_income(person, history: list[ContributionMonth], today: date | None = None) -> int:
    """The income a continuation is priced at when none is typed: the open enrolment's,
    raised to the floor in force when the continuation starts (the minimum otherwise)."""
    table = current_table()
    enrolment = open_vsi(person)
    start = continuation_start(history, Month.of(today or date.today()))
    return at_least_minimum(table, enrolment.income if enrolment else 0, start)


def at_least_minimum(table, income: int, month: Month) -> int:
    """A chosen income raised to the floor in force (the rural poverty line rises in 2027)."""
    return max(income, income_bounds(table, month)[0])


@dataclass
class LeavingJobCase:
    """What an official types in when counselling someone who leaves a job."""

    sex: str
    born: Month
    compulsory_months: int
    compulsory_salary: int
    left_in: Month  # the last month of compulsory insurance
    income: int  # the voluntary income they would choose
    groups: tuple[str, ...] = ("other",)
    province: str | None = None


def leaving_job_history(case: LeavingJobCase) -> list[ContributionMonth]:
    start = case.left_in + (1 - case.compulsory_months)
    return constant_history(start, case.compulsory_months, case.compulsory_salary, "compulsory")


def compare_leaving_job(case: LeavingJobCase, today: date | None = None) -> Projection:
    """'Withdraw a lump sum now' against 'continue voluntarily' for a person leaving a job."""
    table = current_table()
    history = leaving_job_history(case)
    start = max(Month.of(today or date.today()), case.left_in + 1)
    return project_continuation(
        table,
        case.sex,
        case.born,
        history,
        case.income,
        start,
        groups=case.groups,
        province=case.province,
    )


def compare_person(
    person, history: list[ContributionMonth], income: int, today: date | None = None
):
    """The same comparison for a registered person, on their real contribution history."""
    table = current_table()
    today_month = Month.of(today or date.today())
    start = continuation_start(history, today_month)
    return project_continuation(
        table,
        person.sex,
        Month.of(person.birth_date),
        history,
        income,
        start,
        groups=groups_on(person, start.first_day()),
        province=person.commune.province_id,
        withdraw_on=withdrawal_month(start, today_month),
    )
