"""A synthetic population for the Hòa Long office: households, household health insurance,
voluntary social insurance with five years of receipts and month-by-month history.

Shape (full size; `small` is a tenth):

* ~6,400 households of 2-7 members aged 16-70 in the office's four communes, ~85% of
  them in household health insurance (~20,000 members), with yearly (mostly) card
  renewals, a few lapses and returns, one receipt per household payment priced with
  the household ladder (`hi_quote`) on the payment date.
* ~3,000 persons with a voluntary social-insurance enrolment. About half were already
  participants when the five-year window opens; the rest join over the window, more
  in May (mobilisation month) and in the April-June 2025 campaign. Each period of the
  person's method (1/3/6/12 months) is one receipt priced with `vsi_quote` at the
  period's first month, and one ContributionMonth per month covered, so that
  receipt.gross == sum(month.gross), support + amount == gross and
  enrolment.paid_through == the last month paid.
* ~98% of periods are paid by their deadline; a few are paid in the month after (the
  office's follow-up catches them); the rest are missed: the participant is suspended,
  some re-register later, some withdraw a lump sum after a year. Some stop for good:
  moved to compulsory insurance (a factory job, some of whom left it since and came
  back), died, or retired with 15+ years counting earlier compulsory periods.

Status today follows one rule, which the monthly cycle can rely on: an enrolment is
*active* while the deadline of its first unpaid period is this month, the previous
month (the "not paid last month" list) or later; *suspended* once that deadline is
more than a month past; *stopped* with a reason otherwise.

History covers the window (the 60 months before the current month). Participants who
joined earlier start with the period that was running when the window opened (paid up
to 11 months before it), and that period's first month is their start_month, so the
month-by-month history and the enrolment never disagree; earlier years of theirs are
not in the demo.

Simplifications: household health insurance is priced without budget support (near-poor
households get 70% in reality); deaths are drawn only among participants who are not in
a household health-insurance card, so that no card stays active for the dead; the
120-month lifetime cap on VSI support cannot bind within five years and is not tracked.

Every row is written with bulk_create in batches, with primary keys allocated here so
that contribution months can point at their receipts without a round trip.
"""

from __future__ import annotations

import bisect
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ansinh.collection.models import Collector
from ansinh.common.text import fold
from ansinh.enrolment.models import (
    ContributionMonth,
    HiEnrolment,
    HiStatus,
    Receipt,
    Scheme,
    StopReason,
    VsiEnrolment,
    VsiStatus,
)
from ansinh.places.models import Hamlet
from ansinh.registry.models import (
    CompulsoryPeriod,
    Household,
    Person,
    SupportGroup,
    SupportMembership,
)
from ansinh.rules.hi import card_validity_start, hi_quote
from ansinh.rules.months import Month
from ansinh.rules.retirement import retirement
from ansinh.rules.vsi import payment_deadline, vsi_quote

from . import names
from .setup import HOA_LONG, LAI_VUNG, PHONG_HOA, PROVINCE, TAN_DUONG

WINDOW_MONTHS = 60
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    hi_members: int
    vsi: int
    duplicates: int
    left_job: int


FULL = Scale(hi_members=20_000, vsi=3_000, duplicates=3, left_job=40)
SMALL = Scale(hi_members=2_000, vsi=300, duplicates=2, left_job=8)

COMMUNE_WEIGHTS = {HOA_LONG: 0.30, LAI_VUNG: 0.27, PHONG_HOA: 0.22, TAN_DUONG: 0.21}
HOUSEHOLD_SIZES = ([2, 3, 4, 5, 6, 7], [15, 25, 30, 17, 9, 4])
VSI_METHODS = ([1, 3, 6, 12], [45, 20, 13, 22])
#: Chance per period that it is missed (suspension) and paid a month late, for a participant
#: of usual frailty; each participant's chances are these times their frailty.
MISS = {1: 0.006, 3: 0.018, 6: 0.03, 12: 0.045}
LATE = 0.008
RETURN_AFTER_MISS = 0.55
#: What makes a participant frail (log-scale effects, decision 0022): the demo's lapses have
#: causes the lapse-risk model can learn, not noise. Low chosen income, no state support,
#: paying month by month, being young and a weak collector raise it; a share stays unexplained.
#: A hard stretch: its chance per period (times the frailty), its mean length in periods, and
#: while it lasts the chance of paying late and the factor on the chance of missing.
HARD_STRETCH = {"chance": 0.008, "periods": 4, "late": 0.45, "miss": 10}
FRAILTY = {
    "floor_income": 1.2,  # the lowest income (1,500,000)
    "low_income": 0.5,  # up to 3,000,000
    "high_income": -0.7,  # 5,000,000 and more
    "no_support": 0.8,
    "monthly": 0.6,
    "young": 0.6,  # under 30
    "collector_sd": 0.5,  # collectors differ
    "noise_sd": 0.35,  # what the office cannot see
    "base": -2.2,  # so that the average frailty is about 1
}


def mi(d: date) -> int:
    """Month index (months since year 0) of a date."""
    return d.year * 12 + d.month - 1


def md(i: int) -> date:
    """First day of month index i."""
    return date(i // 12, i % 12 + 1, 1)


def month_day(rng: random.Random, i: int, first: int = 1, last: int = 28) -> date:
    return date(i // 12, i % 12 + 1, rng.randint(first, last))


def add_months(d: date, n: int) -> date:
    i = mi(d) + n
    y, m = i // 12, i % 12 + 1
    day = d.day
    while True:
        try:
            return date(y, m, day)
        except ValueError:
            day -= 1


@dataclass
class PersonInfo:
    person: Person
    age: int
    hh_key: int
    hi: bool = False
    vsi: bool = False
    compulsory_months: int = 0
    voluntary_months: int = 0
    stopped_on: date | None = None
    #: How likely this participant is to miss or pay late (1 = the office's usual; see
    #: PopulationBuilder._frailty): what the lapse-risk model has to find again.
    frailty: float = 1.0


@dataclass(slots=True)
class ReceiptRow:
    """A receipt before it is written (plain values: ~90,000 of them, no model instances)."""

    paid_on: date
    scheme: str
    person_id: int
    vsi_enrolment_id: int | None
    household_id: int | None
    from_month: date
    months: int
    members: int
    income: int
    gross: int
    support: int
    amount: int
    collector_id: int | None
    organisation_id: int | None
    #: (person_id, enrolment_id, month, income, gross, support) per month covered (VSI)
    month_rows: list = field(default_factory=list)
    id: int = 0
    number: str = ""


class Ids:
    """Primary keys allocated here, from the current maximum of each table."""

    def __init__(self):
        self._next: dict = {}

    def take(self, model) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        value = self._next[model]
        self._next[model] += 1
        return value


class PopulationBuilder:
    def __init__(self, *, table, seed: int, scale: Scale, today: date):
        self.table = table
        self.rng = random.Random(seed)
        self.seed = seed
        self.collector_effect: dict[int | None, float] = {}
        self._frailty_now = 1.0  # the participant being simulated, for _paid_on
        self.scale = scale
        self.today = today
        self.cm = mi(today)  # current month
        self.w0 = self.cm - WINDOW_MONTHS  # first month of the five-year window
        self.ids = Ids()
        self.households: list[Household] = []
        self.persons: list[PersonInfo] = []
        self.hh_members: dict[int, list[PersonInfo]] = defaultdict(list)
        self.hh_collector: dict[int, Collector] = {}
        self.hh_poverty: dict[int, dict[int, str]] = {}
        self.hi_households: dict[int, list[PersonInfo]] = {}
        self.support: list[SupportMembership] = []
        self.compulsory: list[CompulsoryPeriod] = []
        self.vsi_enrolments: list[VsiEnrolment] = []
        self.hi_enrolments: list[HiEnrolment] = []
        self.receipts: list[ReceiptRow] = []
        self.cccds: set[str] = set()
        self.si_codes: set[str] = set()
        self._quotes: dict = {}
        self._hi_quotes: dict = {}
        self._deadlines: dict = {}
        self._collector_org: dict[int, int] = {}
        self._join_weights = None
        self._changes = None
        self.counts: dict[str, int] = {}

    # -- the whole run --------------------------------------------------------------
    def build(self, hamlets: dict[str, list[Hamlet]], collectors: list[Collector]) -> dict:
        self.hamlets = hamlets
        self.collectors_by_commune: dict[str, list[Collector]] = defaultdict(list)
        for c in collectors:
            self._collector_org[c.id] = c.organisation_id
            if c.active and c.commune_id:
                self.collectors_by_commune[c.commune_id].append(c)
        self._make_households()
        self._make_poverty()
        self._make_hi()
        self._make_vsi()
        self._make_left_job()
        self._make_duplicates()
        self._number_receipts()
        with transaction.atomic():
            self._write()
        return self.counts

    # -- people ---------------------------------------------------------------------
    def _new_person(self, hh: Household, sex: str, age: int, ethnicity: str, surname=""):
        rng = self.rng
        born = self.today - timedelta(days=365.25 * age + rng.randint(1, 364))
        year_only = rng.random() < 0.04
        if year_only:
            born = date(born.year, 1, 1)
        full_name = names.person_name(rng, sex, ethnicity, surname)
        if ethnicity == "Khmer":
            province = rng.choice(names.KHMER_BIRTH_PROVINCES)
        else:
            province = rng.choices(names.BIRTH_PROVINCES, names.BIRTH_PROVINCE_WEIGHTS)[0]
        cccd = ""
        if rng.random() > 0.01:  # a few still carry only the old 9-digit card
            cccd = self._unique(self.cccds, lambda: names.cccd(rng, born, sex, province))
        si = self._unique(self.si_codes, lambda: names.si_code(rng)) if rng.random() > 0.03 else ""
        person = Person(
            id=self.ids.take(Person),
            full_name=full_name,
            name_folded=fold(full_name),
            birth_date=born,
            birth_year_only=year_only,
            sex=sex,
            cccd=cccd,
            si_code=si,
            phone=names.mobile_phone(rng) if rng.random() < 0.82 else "",
            ethnicity=ethnicity,
            commune_id=hh.commune_id,
            hamlet_id=hh.hamlet_id,
            address=hh.address,
            household_id=hh.id,
        )
        info = PersonInfo(person=person, age=age, hh_key=hh.id)
        self.persons.append(info)
        return info

    @staticmethod
    def _unique(seen: set, make) -> str:
        while True:
            value = make()
            if value not in seen:
                seen.add(value)
                return value

    def _pick_hamlet(self, commune: str) -> Hamlet:
        options = self.hamlets[commune]
        return self.rng.choices(options, [h.population or 1 for h in options])[0]

    def _pick_collector(self, commune: str) -> Collector:
        options = self.collectors_by_commune.get(commune) or [
            c for cs in self.collectors_by_commune.values() for c in cs
        ]
        weight = {"post": 6, "viettel": 3, "other": 1.5}
        return self.rng.choices(options, [weight.get(c.organisation.kind, 1) for c in options])[0]

    def _make_households(self):
        rng = self.rng
        communes = list(COMMUNE_WEIGHTS)
        weights = list(COMMUNE_WEIGHTS.values())
        hi_members = 0
        seq: dict[str, int] = defaultdict(int)
        while hi_members < self.scale.hi_members:
            commune = rng.choices(communes, weights)[0]
            hamlet = self._pick_hamlet(commune)
            seq[commune] += 1
            hh = Household(
                id=self.ids.take(Household),
                code=f"{commune}{seq[commune]:05d}",
                commune_id=commune,
                hamlet_id=hamlet.id,
                address=names.street_address(rng),
            )
            self.households.append(hh)
            self.hh_collector[hh.id] = self._pick_collector(commune)
            r = rng.random()
            khmer_share = 0.06 if commune == TAN_DUONG else 0.02
            ethnicity = "Khmer" if r < khmer_share else "Hoa" if r < khmer_share + 0.015 else "Kinh"
            members = self._make_members(hh, rng.choices(*HOUSEHOLD_SIZES)[0], ethnicity)
            self.hh_members[hh.id] = members
            if rng.random() < 0.86:
                enrolled = list(members)
                if len(enrolled) > 2 and rng.random() < 0.12:
                    # one member is insured elsewhere (a job, a student card)
                    enrolled.pop(rng.randrange(1, len(enrolled)))
                for info in enrolled:
                    info.hi = True
                self.hi_households[hh.id] = enrolled
                hi_members += len(enrolled)
        self.counts["households"] = len(self.households)

    def _make_members(self, hh: Household, size: int, ethnicity: str) -> list[PersonInfo]:
        rng = self.rng
        head_sex = "M" if rng.random() < 0.7 else "F"
        head_age = rng.randint(24, 68)
        head = self._new_person(hh, head_sex, head_age, ethnicity)
        members = [head]
        father_surname = names.surname_of(head.person.full_name) if head_sex == "M" else ""
        if size >= 2 and rng.random() < 0.92:
            spouse_age = min(70, max(18, head_age + rng.randint(-6, 4)))
            spouse = self._new_person(hh, "F" if head_sex == "M" else "M", spouse_age, ethnicity)
            if head_sex == "F":
                father_surname = names.surname_of(spouse.person.full_name)
            members.append(spouse)
        father_surname = father_surname or names.surname_of(head.person.full_name)
        attempts = 0
        while len(members) < size and attempts < 12:
            attempts += 1
            kind = rng.random()
            sex = "M" if rng.random() < 0.5 else "F"
            if kind < 0.7 and head_age - 20 >= 16:  # a child of 16 or more
                age = rng.randint(16, min(head_age - 20, 45))
                members.append(self._new_person(hh, sex, age, ethnicity, father_surname))
            elif kind < 0.9 and head_age + 20 <= 70:  # a parent
                age = rng.randint(head_age + 20, 70)
                surname = names.surname_of(head.person.full_name) if sex == "M" else ""
                members.append(self._new_person(hh, sex, age, ethnicity, surname))
            elif kind >= 0.9:  # a brother or sister, or a child-in-law
                age = min(70, max(16, head_age + rng.randint(-12, 8)))
                members.append(self._new_person(hh, sex, age, ethnicity))
        for order, info in enumerate(members, start=1):
            info.person.household_order = order
        return members

    def _make_poverty(self):
        """Poor / near-poor certification per household and year (a Markov chain)."""
        rng = self.rng
        first_year, last_year = md(self.w0).year, self.today.year
        move = {
            "poor": (("poor", 0.6), ("near_poor", 0.3), ("", 0.1)),
            "near_poor": (("poor", 0.05), ("near_poor", 0.55), ("", 0.4)),
            "": (("poor", 0.004), ("near_poor", 0.02), ("", 0.976)),
        }
        for hh in self.households:
            r = rng.random()
            state = "poor" if r < 0.03 else "near_poor" if r < 0.08 else ""
            years = {}
            for year in range(first_year, last_year + 1):
                if year > first_year:
                    choices = move[state]
                    state = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
                if state:
                    years[year] = state
            if years:
                self.hh_poverty[hh.id] = years
                for info in self.hh_members[hh.id]:
                    for year, group in years.items():
                        self.support.append(
                            SupportMembership(
                                person_id=info.person.id,
                                group=group,
                                valid_from=date(year, 1, 1),
                                valid_to=date(year, 12, 31),
                                document=f"QĐ {rng.randint(12, 480)}/QĐ-UBND ngày "
                                f"{rng.randint(10, 28)}/12/{year - 1}",
                            )
                        )
        for info in self.persons:
            if info.person.ethnicity != "Kinh":
                self.support.append(
                    SupportMembership(
                        person_id=info.person.id,
                        group=SupportGroup.ETHNIC_MINORITY,
                        valid_from=info.person.birth_date,
                        document=f"Dân tộc {info.person.ethnicity} (CCCD)",
                    )
                )

    def _groups(self, info: PersonInfo, month: int) -> tuple[str, ...]:
        groups = []
        poverty = self.hh_poverty.get(info.hh_key)
        if poverty and month // 12 in poverty:
            groups.append(poverty[month // 12])
        if info.person.ethnicity != "Kinh":
            groups.append("ethnic_minority")
        return tuple(groups)

    # -- household health insurance -------------------------------------------------
    def _segment(self, on: date) -> int:
        """Which stretch of dates, between two changes of any legal figure, holds `on`:
        every quote is the same within one stretch, so quotes are cached by it."""
        if self._changes is None:
            changes = set()
            for row in self.table.rows:
                changes.add(row.valid_from)
                if row.valid_to is not None:
                    changes.add(row.valid_to + timedelta(days=1))
            self._changes = sorted(changes)
        return bisect.bisect_right(self._changes, on)

    def _hi_quote(self, members: int, on: date, months: int):
        key = (members, self._segment(on), months)
        quote = self._hi_quotes.get(key)
        if quote is None:
            quote = self._hi_quotes[key] = hi_quote(self.table, members, on, months)
        return quote

    def _make_hi(self):
        rng = self.rng
        today = self.today
        for hh_id, enrolled in self.hi_households.items():
            n = len(enrolled)
            months = rng.choices([12, 6, 3], [80, 14, 6])[0]
            collector = self.hh_collector[hh_id]
            payer = enrolled[0].person
            if rng.random() < 0.6:  # insured before the window opens: renewals
                paid_on = month_day(rng, self.w0 + rng.randrange(months))
                previous_end = paid_on + timedelta(days=rng.randint(-5, 25))
                start_month = md(rng.randint(mi(date(2015, 1, 1)), self.w0 - 1))
            else:
                paid_on = md(self._join_month()) + timedelta(days=rng.randint(0, 27))
                paid_on = min(paid_on, today)
                previous_end = None
                start_month = None
            card_from = card_to = None
            while paid_on <= today:
                card_from = card_validity_start(paid_on, previous_end, self.table)
                card_to = add_months(card_from, months) - timedelta(days=1)
                quote = self._hi_quote(n, paid_on, months)
                self.receipts.append(
                    ReceiptRow(
                        paid_on=paid_on,
                        scheme=Scheme.HI,
                        person_id=payer.id,
                        vsi_enrolment_id=None,
                        household_id=hh_id,
                        from_month=card_from.replace(day=1),
                        months=months,
                        members=n,
                        income=0,
                        gross=quote.total,
                        support=0,
                        amount=quote.total,
                        collector_id=collector.id,
                        organisation_id=collector.organisation_id,
                    )
                )
                if start_month is None:
                    start_month = card_from.replace(day=1)
                previous_end = card_to
                if rng.random() < 0.03:  # did not renew
                    if rng.random() < 0.5:
                        paid_on = card_to + timedelta(days=rng.randint(100, 420))
                        continue
                    break
                paid_on = card_to + timedelta(days=rng.randint(-25, 6))
            for order, info in enumerate(enrolled, start=1):
                info.person.collector_id = collector.id
                self.hi_enrolments.append(
                    HiEnrolment(
                        person_id=info.person.id,
                        household_id=hh_id,
                        member_order=order,
                        period_months=months,
                        start_month=start_month,
                        card_from=card_from,
                        card_to=card_to,
                        status=HiStatus.ACTIVE if card_to >= today else HiStatus.LAPSED,
                    )
                )
        self.counts["hi_members"] = len(self.hi_enrolments)

    def _join_month(self) -> int:
        """A month in the window for a new participant: growing over the years, more in May
        (mobilisation month) and in the April-June 2025 campaign ("the Model")."""
        if self._join_weights is None:
            months = list(range(self.w0 + 1, self.cm + 1))
            weights = []
            for i in months:
                w = 1.0 + 0.6 * (i - self.w0) / WINDOW_MONTHS
                if i % 12 == 4:
                    w *= 2.2
                if mi(date(2025, 4, 1)) <= i <= mi(date(2025, 6, 1)):
                    w *= 3.5
                weights.append(w)
            self._join_weights = (months, weights)
        return self.rng.choices(*self._join_weights)[0]

    # -- voluntary social insurance -------------------------------------------------
    def _deadline(self, k: int, start: int) -> int:
        key = (k, start)
        value = self._deadlines.get(key)
        if value is None:
            value = self._deadlines[key] = payment_deadline(
                k, Month.from_index(start), self.table
            ).index
        return value

    def _vsi_quote(self, income: int, groups: tuple, start: int, k: int):
        key = (income, groups, start, k)
        quote = self._quotes.get(key)
        if quote is None:
            quote = self._quotes[key] = vsi_quote(
                self.table, income, groups, md(start), months=k, province=PROVINCE
            )
        return quote

    def _income(self) -> int:
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            return 1_500_000
        if r < 0.8:
            return rng.randrange(1_600_000, 3_000_001, 100_000)
        if r < 0.95:
            return rng.randrange(3_000_000, 5_000_001, 500_000)
        return rng.randrange(5_000_000, 10_000_001, 500_000)

    def _make_vsi(self):
        rng = self.rng
        eligible = [info for info in self.persons if 19 <= info.age <= 64]
        keyed = []
        for info in eligible:
            w = 1.3 if info.person.sex == "F" else 1.0
            w *= 1.5 if 30 <= info.age <= 55 else 1.0
            w *= 1.4 if info.hi else 1.0
            keyed.append((rng.random() ** (1 / w), info.person.id, info))
        keyed.sort(reverse=True)
        chosen = [info for _, _, info in keyed[: self.scale.vsi]]
        chosen.sort(key=lambda info: info.person.id)
        for info in chosen:
            info.vsi = True
            info.person.collector_id = self.hh_collector[info.hh_key].id
            self._vsi_person(info)
        self.counts["vsi_persons"] = len(chosen)

    def _vsi_person(self, info: PersonInfo):
        rng = self.rng
        person = info.person
        adult = mi(person.birth_date) + 18 * 12
        k = rng.choices(*VSI_METHODS)[0]
        if rng.random() < 0.5:
            # A participant already when the window opens: the period running then was paid
            # before it, so the history starts up to k-1 months earlier.
            start = self.w0 - rng.randrange(k)
        else:
            start = self._join_month()
        start = max(start, adult)
        if start > self.cm:
            start = self.cm
        born = Month.of(person.birth_date)
        reached = retirement(person.sex, born, self.table).reached.index
        # Earlier compulsory insurance (a factory job) before joining.
        age_at_start = (start - mi(person.birth_date)) // 12
        long_career = age_at_start >= 48 and reached <= self.cm + 24 and rng.random() < 0.3
        if long_career or (age_at_start >= 24 and rng.random() < 0.12):
            length = rng.randint(130, 190) if long_career else rng.randint(12, 150)
            end = start - rng.randint(1, 30)
            begin = max(adult, end - length + 1)
            if end >= begin:
                self._add_compulsory(info, begin, end)
        income = self._income()
        info.frailty = self._frailty(info, income, k)
        raise_year = None
        if rng.random() < 0.12:
            raise_year = rng.randint(md(start).year + 1, md(self.cm).year + 1)
        raised = min(10_000_000, int(round(income * rng.uniform(1.2, 2.0), -5)))

        def income_at(month: int) -> int:
            return raised if raise_year and month // 12 >= raise_year else income

        result = self._simulate(info, start, k, income_at, reached, allow_compulsory=True)
        if result == StopReason.COMPULSORY:
            self._after_compulsory(info, k, income_at, reached)

    def _frailty(self, info: PersonInfo, income: int, k: int) -> float:
        """exp(sum of the participant's FRAILTY effects); drawn from its own stream (keyed by
        the person), so the rest of the population does not move with it."""
        f = FRAILTY
        rng = random.Random(f"frailty-{self.seed}-{info.person.id}")
        z = f["base"] + rng.gauss(0, f["noise_sd"])
        z += (
            f["floor_income"]
            if income <= 1_500_000
            else f["low_income"]
            if income <= 3_000_000
            else f["high_income"]
            if income >= 5_000_000
            else 0.0
        )
        z += 0.0 if self._groups(info, self.cm) else f["no_support"]
        z += f["monthly"] if k == 1 else 0.0
        z += f["young"] if info.age < 30 else 0.0
        collector = info.person.collector_id
        if collector not in self.collector_effect:
            self.collector_effect[collector] = random.Random(
                f"collector-{self.seed}-{collector}"
            ).gauss(0, f["collector_sd"])
        z += self.collector_effect[collector]
        return math.exp(z)

    def _add_compulsory(self, info: PersonInfo, begin: int, end: int):
        salary = self.rng.randrange(4_000_000, 8_000_001, 100_000)
        self.compulsory.append(
            CompulsoryPeriod(
                person_id=info.person.id,
                start=md(begin),
                end=md(end),
                salary=salary,
                employer=self.rng.choice(names.EMPLOYERS),
            )
        )
        info.compulsory_months += end - begin + 1

    def _after_compulsory(self, info, k, income_at, reached):
        """The factory job that ended a voluntary enrolment; some have left it since."""
        rng = self.rng
        begin = mi(info.stopped_on)
        if begin >= self.cm - 4 or rng.random() < 0.65:
            # still at work: the period runs to the last month reported
            self._add_compulsory(info, begin, max(begin, self.cm - 1))
            return
        end = rng.randint(begin + 3, self.cm - 2)
        self._add_compulsory(info, begin, end)
        if rng.random() < 0.45:  # came back to voluntary insurance
            start = end + rng.randint(1, 4)
            if start <= self.cm:
                self._simulate(info, start, k, income_at, reached, allow_compulsory=False)

    def _paid_on(self, p: int, deadline: int, k: int, outcome: str, first: bool) -> date:
        rng = self.rng
        if outcome == "late":
            return month_day(rng, deadline + 1, 1, 20)
        if first:
            return month_day(rng, p, 1, 28)
        r = rng.random()
        # After the 25th list, for next month: the steady pay ahead, the frail at the last
        # minute (decision 0022).
        if r < min(0.6, max(0.1, 0.7 / (1 + self._frailty_now))):
            return month_day(rng, p - 1, 18, 28)
        if k == 1 or r < 0.9 or deadline == p:
            return month_day(rng, p, 1, 25 if k == 1 else 28)
        return month_day(rng, rng.randint(p + 1, deadline))

    def _stop_event(self, info: PersonInfo, p: int, k: int, allow_compulsory, reached):
        rng = self.rng
        age = (p - mi(info.person.birth_date)) // 12
        years = k / 12
        if p > reached and info.compulsory_months + info.voluntary_months >= 180:
            return StopReason.RETIRED
        if allow_compulsory and age < 50 and rng.random() < 1 - (1 - 0.018) ** years:
            return StopReason.COMPULSORY
        if not info.hi:  # (keeps the household health insurance of the living consistent)
            annual = 0.002 if age < 40 else 0.005 if age < 55 else 0.012 if age < 65 else 0.03
            if rng.random() < 1 - (1 - annual) ** years:
                return StopReason.DIED
        return None

    def _simulate(self, info, start, k, income_at, reached, allow_compulsory):
        """One enrolment from `start`, period by period, to today. Returns the stop reason."""
        rng = self.rng
        person = info.person
        enrolment = VsiEnrolment(
            id=self.ids.take(VsiEnrolment),
            person_id=person.id,
            start_month=md(start),
            method=str(k),
        )
        p = start
        first = True
        registered = start
        stop = None
        stop_on = None
        last_paid = None
        # A hard stretch (a bad harvest, a lost job): entered more often by the frail; while
        # it lasts, periods are often paid late and missed far more often (decision 0022).
        hard = random.Random(f"hard-{self.seed}-{person.id}-{start}")
        struggle = 0
        while p <= self.cm + 1:
            if not first and p <= self.cm:
                stop = self._stop_event(info, p, k, allow_compulsory, reached)
                if stop:
                    stop_on = md(p)
                    if stop == StopReason.DIED:
                        stop_on = min(month_day(rng, p - 1), self.today)
                    elif stop == StopReason.RETIRED:
                        stop_on = md(max(p, reached + 1))
                    break
            deadline = self._deadline(k, p)
            outcome = "on_time"
            if not first:
                if struggle:
                    struggle += 1
                    if hard.random() < 1 / HARD_STRETCH["periods"]:
                        struggle = 0  # the stretch is over
                elif hard.random() < HARD_STRETCH["chance"] * info.frailty:
                    struggle = 1
                r = rng.random()
                # A stretch starts with late payments; misses come after its first period.
                factor = HARD_STRETCH["miss"] if struggle > 1 else 1
                miss = min(0.5, MISS[k] * info.frailty * factor)
                late = min(0.4, HARD_STRETCH["late"] if struggle else LATE * info.frailty)
                outcome = "miss" if r < miss else "late" if r < miss + late else "on_time"
            if outcome == "miss":
                if deadline >= self.cm - 1:
                    break  # being chased right now: on this month's unpaid list
                # The frail come back less often, and later.
                if rng.random() < min(0.9, RETURN_AFTER_MISS * 1.6 / (1 + info.frailty)):
                    back = deadline + 2 + int(rng.expovariate(1 / (1 + 2 * info.frailty)))
                    if back <= self.cm:
                        p = registered = back
                        first = True
                        continue
                withdraw = deadline + 13 + rng.randint(0, 8)
                if withdraw <= self.cm and rng.random() < 0.3 and p <= reached:
                    stop = StopReason.WITHDRAWAL
                    stop_on = min(month_day(rng, withdraw), self.today)
                break
            self._frailty_now = info.frailty * (2 if struggle else 1)
            paid_on = self._paid_on(p, deadline, k, outcome, first)
            if paid_on > self.today:
                if first:
                    paid_on = month_day(rng, p, 1, self.today.day) if p == self.cm else None
                if paid_on is None or paid_on > self.today:
                    break
            self._vsi_receipt(info, enrolment, p, k, income_at(p), paid_on)
            last_paid = p + k - 1
            p += k
            first = False
        enrolment.income = income_at(min(p, self.cm))
        enrolment.paid_through = md(last_paid) if last_paid is not None else None
        if stop:
            enrolment.status = VsiStatus.STOPPED
            enrolment.stop_reason = stop
            enrolment.status_since = stop_on
            info.stopped_on = stop_on
        elif p > self.cm + 1 or self._deadline(k, p) >= self.cm - 1:
            enrolment.status = VsiStatus.ACTIVE
            enrolment.status_since = md(registered)
        else:
            enrolment.status = VsiStatus.SUSPENDED
            enrolment.status_since = md(self._deadline(k, p) + 1)
        if last_paid is None:  # never paid (cannot happen for start <= this month)
            return None
        self.vsi_enrolments.append(enrolment)
        return stop

    def _vsi_receipt(self, info, enrolment, p, k, income, paid_on):
        groups = self._groups(info, p)
        q = self._vsi_quote(income, groups, p, k)
        collector_id = info.person.collector_id
        organisation_id = self._collector_org[collector_id]
        row = ReceiptRow(
            paid_on=paid_on,
            scheme=Scheme.VSI,
            person_id=info.person.id,
            vsi_enrolment_id=enrolment.id,
            household_id=None,
            from_month=md(p),
            months=k,
            members=1,
            income=income,
            gross=q.gross_total,
            support=q.support_total,
            amount=q.net_total,
            collector_id=collector_id,
            organisation_id=organisation_id,
        )
        gross_left, support_left = q.gross_total, q.support_total
        supported_left = q.supported_months
        for j in range(k):
            last = j == k - 1
            gross = gross_left if last else q.gross_monthly
            support = 0
            if supported_left:
                support = support_left if supported_left == 1 else q.support_monthly
                supported_left -= 1
            gross_left -= gross
            support_left -= support
            row.month_rows.append((info.person.id, enrolment.id, md(p + j), income, gross, support))
        info.voluntary_months += k
        self.receipts.append(row)

    # -- people who left a job, duplicates ------------------------------------------
    def _make_left_job(self):
        """Persons who left a factory job in the last 12 months and have not enrolled yet:
        the ones an official should see before they withdraw a lump sum."""
        rng = self.rng
        candidates = [i for i in self.persons if 22 <= i.age <= 45 and not i.vsi]
        for info in rng.sample(candidates, min(self.scale.left_job, len(candidates))):
            end = self.cm - rng.randint(2, 12)
            begin = max(mi(info.person.birth_date) + 18 * 12, end - rng.randint(24, 150))
            self._add_compulsory(info, begin, end)
        self.counts["left_job_last_12_months"] = sum(
            1 for c in self.compulsory if self.cm - 12 <= mi(c.end) < self.cm - 1
        )

    def _make_duplicates(self):
        """Second registrations of a participant: same CCCD, another spelling, another code."""
        rng = self.rng
        originals = [i for i in self.persons if i.vsi and i.person.cccd]
        for info in rng.sample(originals, min(self.scale.duplicates, len(originals))):
            src = info.person
            commune = src.commune_id
            hamlet = self._pick_hamlet(commune)
            dup = Person(
                id=self.ids.take(Person),
                full_name=names.name_variant(rng, src.full_name),
                birth_date=date(src.birth_date.year, 1, 1),
                birth_year_only=True,
                sex=src.sex,
                cccd=src.cccd,
                si_code=self._unique(self.si_codes, lambda: names.si_code(rng)),
                phone=src.phone,
                ethnicity=src.ethnicity,
                commune_id=commune,
                hamlet_id=hamlet.id,
                address=names.street_address(rng),
            )
            dup.name_folded = fold(dup.full_name)
            self.persons.append(PersonInfo(person=dup, age=info.age, hh_key=0))
        self.counts["duplicate_pairs"] = min(self.scale.duplicates, len(originals))

    # -- receipt numbers and writing ------------------------------------------------
    def _number_receipts(self):
        """Chronological ids and numbers: BL + year + a running number within the year."""
        self.receipts.sort(key=lambda r: (r.paid_on, r.scheme, r.person_id, r.from_month))
        taken = set(
            Receipt.objects.filter(number__startswith="BL").values_list("number", flat=True)
        )
        seq: dict[int, int] = defaultdict(int)
        for row in self.receipts:
            row.id = self.ids.take(Receipt)
            year = row.paid_on.year
            while True:
                seq[year] += 1
                number = f"BL{year}{seq[year]:06d}"
                if number not in taken:
                    break
            row.number = number

    def _write(self):
        def put(model, objs):
            for i in range(0, len(objs), BATCH):
                model.objects.bulk_create(objs[i : i + BATCH])
            self.counts[model._meta.model_name] = len(objs)

        put(Household, self.households)
        put(Person, [i.person for i in self.persons])
        put(SupportMembership, self.support)
        put(CompulsoryPeriod, self.compulsory)
        put(VsiEnrolment, self.vsi_enrolments)
        put(HiEnrolment, self.hi_enrolments)
        now = timezone.now()
        receipt_columns = [
            "id", "number", "scheme", "person", "vsi_enrolment", "household", "paid_on",
            "from_month", "months", "members", "income", "gross", "support", "amount",
            "collector", "organisation", "source", "created_at",
        ]  # fmt: skip
        self.counts["receipt"] = insert_rows(
            Receipt,
            receipt_columns,
            (
                (
                    r.id,
                    r.number,
                    r.scheme,
                    r.person_id,
                    r.vsi_enrolment_id,
                    r.household_id,
                    r.paid_on,
                    r.from_month,
                    r.months,
                    r.members,
                    r.income,
                    r.gross,
                    r.support,
                    r.amount,
                    r.collector_id,
                    r.organisation_id,
                    "demo",
                    now,
                )  # fmt: skip
                for r in self.receipts
            ),
        )
        self.counts["contributionmonth"] = insert_rows(
            ContributionMonth,
            ["person", "enrolment", "month", "income", "gross", "support", "receipt"],
            ((*m, r.id) for r in self.receipts for m in r.month_rows),
        )
        if connection.vendor != "sqlite":  # keys were given explicitly: move the sequences on
            models = [Household, Person, VsiEnrolment, Receipt]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)


def insert_rows(model, columns: list[str], rows, batch: int = 10_000) -> int:
    """INSERT plain value tuples with executemany: the ORM's bulk_create builds a model
    instance and compiles every value of ~200,000 rows, five times slower. Dates and
    datetimes are adapted by the backend's own operations, so this works on SQLite and
    PostgreSQL alike."""
    fields = [model._meta.get_field(name) for name in columns]
    ops = connection.ops
    adapters = []
    for f in fields:
        internal = f.get_internal_type()
        if internal == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif internal == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        else:
            adapters.append(None)
    qn = ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    count = 0
    chunk = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(
                tuple(
                    a(v) if a and v is not None else v for a, v in zip(adapters, row, strict=True)
                )
            )
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count
