"""Build the whole demo (frame + population) in one call; used by `manage.py demo`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from ansinh.parameters.table import current_table, seed_defaults
from ansinh.registry.models import Person

from . import setup
from .population import FULL, SMALL, PopulationBuilder


@dataclass
class DemoResult:
    accounts: str
    counts: dict = field(default_factory=dict)


def law_table():
    table = current_table()
    if len(table) == 0:
        seed_defaults()
        table = current_table()
    return table


def build_demo(*, small=False, seed=2025, today: date | None = None, log=print) -> DemoResult:
    today = today or date.today()
    started = time.monotonic()

    def step(message):
        log(f"[{time.monotonic() - started:5.1f} s] {message}")

    setup.ensure_places()
    step("places loaded")
    office = setup.ensure_offices()
    hamlets = setup.ensure_hamlets(seed)
    collectors = setup.ensure_collection(office, seed)
    accounts = setup.accounts_table(setup.ensure_users(office))
    step("office, hamlets, collectors and users ready")
    if Person.objects.filter(commune_id__in=setup.COMMUNES).exists():
        return DemoResult(accounts=accounts)
    builder = PopulationBuilder(
        table=law_table(), seed=seed, scale=SMALL if small else FULL, today=today
    )
    counts = builder.build(hamlets, collectors)
    step("population written")
    setup.settle_populations(today, seed)
    step("commune and hamlet populations settled")
    from ansinh.collection.demo import build_history

    counts.update(build_history(office, today=today, seed=seed, log=step))
    from .campaigns import build_campaign_demo

    counts.update(build_campaign_demo(office, today=today, seed=seed, log=step))
    from ansinh.common.text import add_months
    from ansinh.reports.figures import refresh

    # The figures summary of the dashboard's year (and its baseline), as the nightly refresh.
    for i in range(13, -1, -1):
        refresh(add_months(today.replace(day=1), -i), today=today)
    step("figures summary refreshed")
    return DemoResult(accounts=accounts, counts=counts)
