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

    # 18 months of lists: about a year of them with a known outcome to learn lapse risk from.
    counts.update(build_history(office, today=today, months=18, seed=seed, log=step))
    from .campaigns import build_campaign_demo

    counts.update(build_campaign_demo(office, today=today, seed=seed, log=step))
    from ansinh.common.text import add_months
    from ansinh.reports.figures import refresh

    # The figures summary of the dashboard's year (and its baseline), as the nightly refresh.
    for i in range(13, -1, -1):
        refresh(add_months(today.replace(day=1), -i), today=today)
    step("figures summary refreshed")
    from ansinh.risk.services import NotEnoughHistory, describe, score_run, train

    try:  # the lapse-risk model, as `ansinh risk train` would, so the lists show scores
        trained = train(office, as_of=today)
    except NotEnoughHistory:
        step("lapse risk: not enough history to learn from")
    else:
        from ansinh.collection.models import CycleRun

        for run in CycleRun.objects.filter(office=office).order_by("-month")[:2]:
            score_run(run, trained.model)
        step("lapse risk: " + describe(trained.model))
        counts["risk model rows"] = trained.model.rows
    return DemoResult(accounts=accounts, counts=counts)
