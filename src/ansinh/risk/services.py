"""Training and scoring (decision 0022): scikit-learn fits, the database keeps the numbers.

`train(office)` reads the office's issued lists whose outcome is known, fits a logistic
regression on standardised features on the earlier list months and measures it on the later
ones (AUC and Brier score, overall and per list kind), then fits again on all of them and
stores the numbers as a `RiskModel`. `score_run(run)` computes each row's risk and reasons
with the office's latest model and writes them on the rows (`CycleEntry.risk`,
`risk_reasons`); collection sorts by them without importing this app.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from ansinh.collection.choices import ListKind
from ansinh.collection.cycle import issue_date
from ansinh.collection.models import CycleEntry, CycleRun
from ansinh.rules.months import Month

from .features import FEATURES, HORIZON_MONTHS, INDEX, RunRows, run_features, runs_of
from .models import RiskModel
from .reasons import top_reasons

#: List months kept for training (the most recent labelled ones).
TRAIN_MONTHS = 24
#: The later share of the list months held out to measure the model (at least one month).
HELD_OUT = 0.3
#: Rows a collector needs before their own rate counts fully (smoothing toward the office's).
COLLECTOR_PRIOR_ROWS = 50
#: Fewer labelled rows (or lapses) than this and no model is trained.
MIN_ROWS = 50
MIN_POSITIVES = 5
C = 1.0


class NotEnoughHistory(Exception):
    """The office has too few lists with a known outcome to learn from."""


KINDS = (ListKind.DUE, ListKind.UNPAID)


@dataclass
class Trained:
    model: RiskModel
    pipelines: dict  # per list kind, the scikit-learn pipeline fitted on all rows


# -- collectors' rates, as of each list -------------------------------------------------


def _collector_rates(rows: list[RunRows], on: date) -> tuple[dict, float]:
    """Smoothed lapse rates per collector from the rows whose outcome was known on `on`."""
    n, k = defaultdict(int), defaultdict(int)
    total = lapsed = 0
    for rr in rows:
        for collector, y, end in zip(rr.collectors, rr.y, rr.horizon_end, strict=True):
            if y < 0 or end > on:
                continue
            total += 1
            lapsed += int(y)
            if collector is not None:
                n[collector] += 1
                k[collector] += int(y)
    prior = (lapsed + 1) / (total + 2)
    rates = {c: (k[c] + COLLECTOR_PRIOR_ROWS * prior) / (n[c] + COLLECTOR_PRIOR_ROWS) for c in n}
    return rates, prior


def _fill_collector(rr: RunRows, rates: dict, prior: float) -> None:
    column = INDEX["collector_lapse_rate"]
    for i, c in enumerate(rr.collectors):
        rr.x[i, column] = rates.get(c, rates.get(str(c), prior)) if c is not None else prior


# -- training ----------------------------------------------------------------------------


def _fit(x, y):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    return pipe.fit(x, y)


def _fit_kinds(x, y, kinds) -> dict:
    """One pipeline per list kind; a kind whose rows are all of one outcome borrows the
    pipeline fitted on both lists."""
    out, pooled = {}, None
    for kind in KINDS:
        sel = kinds == kind
        if 0 < y[sel].sum() < sel.sum() and sel.sum() >= 10:
            out[kind] = _fit(x[sel], y[sel])
        else:
            if pooled is None:
                pooled = _fit(x, y)
            out[kind] = pooled
    return out


def _predict_kinds(pipes: dict, x, kinds):
    p = np.zeros(len(x))
    for kind, pipe in pipes.items():
        sel = kinds == kind
        if sel.any():
            p[sel] = pipe.predict_proba(x[sel])[:, 1]
    return p


def _quality(y, p) -> tuple[float | None, float | None]:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    if len(y) == 0:
        return None, None
    brier = float(brier_score_loss(y, p))
    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None
    return auc, brier


def labelled_rows(office, as_of: date) -> list[RunRows]:
    """The office's runs whose rows' outcome may be known on `as_of`, with their features."""
    last = (Month.of(as_of) - HORIZON_MONTHS - 1).first_day()
    out = []
    for run in runs_of(office, until=last, months=TRAIN_MONTHS):
        rr = run_features(run, as_of=as_of)
        if len(rr.ids):
            out.append(rr)
    return out


def train(office, as_of: date | None = None) -> Trained:
    """Fit, measure on the later months, refit on all, store. Raises NotEnoughHistory."""
    import sklearn

    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    rows = labelled_rows(office, as_of)
    # Each run's collector rates as of its own issue date (no later outcome leaks in).
    for rr in rows:
        rates, prior = _collector_rates(rows, issue_date(Month.of(rr.run.month)))
        _fill_collector(rr, rates, prior)
    rows = [rr for rr in rows if (rr.y >= 0).any()]
    if not rows:
        raise NotEnoughHistory(office)
    months = [rr.run.month for rr in rows]
    x = np.vstack([rr.x[rr.y >= 0] for rr in rows])
    y = np.concatenate([rr.y[rr.y >= 0] for rr in rows])
    kinds = np.concatenate([np.array(rr.kinds)[rr.y >= 0] for rr in rows])
    month_of = np.concatenate(
        [np.full(int((rr.y >= 0).sum()), rr.run.month.toordinal()) for rr in rows]
    )
    if len(y) < MIN_ROWS or y.sum() < MIN_POSITIVES or y.sum() == len(y):
        raise NotEnoughHistory(office)

    # Held out: the later list months.
    held = max(1, math.ceil(len(months) * HELD_OUT)) if len(months) > 1 else 0
    test_from = months[-held] if held else None
    quality = {}
    train_n = test_n = test_pos = 0
    if test_from is not None:
        is_test = month_of >= test_from.toordinal()
        if 0 < y[~is_test].sum() < (~is_test).sum():
            pipes = _fit_kinds(x[~is_test], y[~is_test], kinds[~is_test])
            p = _predict_kinds(pipes, x[is_test], kinds[is_test])
            yt, kt = y[is_test], kinds[is_test]
            quality["auc"], quality["brier"] = _quality(yt, p)
            for kind in (ListKind.DUE, ListKind.UNPAID):
                sel = kt == kind
                quality[f"auc_{kind}"], quality[f"brier_{kind}"] = _quality(yt[sel], p[sel])
            train_n, test_n, test_pos = int((~is_test).sum()), int(is_test.sum()), int(yt.sum())
    pipes = _fit_kinds(x, y, kinds)
    rates, prior = _collector_rates(rows, as_of)
    model = RiskModel.objects.create(
        office=office,
        as_of=as_of,
        window_start=months[0],
        window_end=months[-1],
        horizon_months=HORIZON_MONTHS,
        rows=len(y),
        positives=int(y.sum()),
        features=list(FEATURES),
        **numbers(pipes),
        collector_rates={str(c): float(r) for c, r in rates.items()},
        collector_prior=float(prior),
        regularisation=C,
        library=f"scikit-learn {sklearn.__version__}",
        test_from=test_from,
        train_rows=train_n,
        test_rows=test_n,
        test_positives=test_pos,
        elapsed_ms=int((time.perf_counter() - started) * 1000),
        **quality,
    )
    return Trained(model, pipes)


def numbers(pipes: dict) -> dict:
    """The fields of a RiskModel that hold the fitted pipelines, as plain numbers."""
    out = {"coefficients": {}, "intercept": {}, "means": {}, "scales": {}}
    for kind, pipe in pipes.items():
        scaler, lr = pipe[0], pipe[-1]
        out["coefficients"][kind] = [float(c) for c in lr.coef_[0]]
        out["intercept"][kind] = float(lr.intercept_[0])
        out["means"][kind] = [float(m) for m in scaler.mean_]
        out["scales"][kind] = [float(v) for v in scaler.scale_]
    return out


# -- scoring -----------------------------------------------------------------------------


def latest_model(office) -> RiskModel | None:
    return RiskModel.objects.filter(office=office).order_by("-trained_at", "-id").first()


def predict(model: RiskModel, x: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Scores and per-feature terms of rows of one list kind, from the stored numbers alone
    (`x` has the columns of `features.FEATURES`)."""
    index = [FEATURES.index(name) for name in model.features]
    z = (x[:, index] - np.array(model.means[kind])) / np.array(model.scales[kind])
    terms = z * np.array(model.coefficients[kind])
    scores = 1.0 / (1.0 + np.exp(-(model.intercept[kind] + terms.sum(axis=1))))
    return scores, terms


def score_rows(model: RiskModel, rr: RunRows) -> list[tuple[int, float, list]]:
    _fill_collector(rr, model.collector_rates, model.collector_prior)
    if not len(rr.ids):
        return []
    index = [FEATURES.index(name) for name in model.features]
    kinds = np.array(rr.kinds)
    out = []
    for kind in KINDS:
        rows = np.flatnonzero(kinds == kind)
        if not len(rows):
            continue
        scores, terms = predict(model, rr.x[rows], kind)
        for j, i in enumerate(rows):
            reasons = top_reasons(model.features, rr.x[i, index], terms[j], model.means[kind])
            out.append((rr.ids[i], float(scores[j]), reasons))
    return out


def score_run(run: CycleRun, model: RiskModel | None = None) -> int:
    """Write each row's risk and reasons; returns the rows scored (0: no model)."""
    model = model or latest_model(run.office)
    if model is None:
        return 0
    scored = score_rows(model, run_features(run))
    _write(scored)
    return len(scored)


def _write(scored) -> None:
    import json

    table = CycleEntry._meta.db_table
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for i in range(0, len(scored), 5000):
                    batch = scored[i : i + 5000]
                    cursor.execute(
                        f'UPDATE "{table}" AS e SET risk = v.risk, risk_reasons = v.reasons '
                        "FROM unnest(%s::bigint[], %s::float8[], %s::jsonb[]) "
                        "AS v(id, risk, reasons) WHERE e.id = v.id",
                        [
                            [pk for pk, _s, _r in batch],
                            [s for _pk, s, _r in batch],
                            [json.dumps(r) for _pk, _s, r in batch],
                        ],
                    )
        else:
            CycleEntry.objects.bulk_update(
                [CycleEntry(pk=pk, risk=s, risk_reasons=r) for pk, s, r in scored],
                ["risk", "risk_reasons"],
                batch_size=500,
            )


def score_latest(office, model: RiskModel | None = None) -> int:
    run = CycleRun.objects.filter(office=office).order_by("-month").first()
    return score_run(run, model) if run is not None else 0


def retrain_and_score(offices=None, as_of: date | None = None, log=None) -> list[RiskModel]:
    """The scheduled job: for each office with lists, train a model and score its latest lists.
    An office without enough history keeps its last model (if any) and is logged."""
    from ansinh.places.models import Office

    if offices is None:
        offices = Office.objects.filter(cycles__isnull=False).distinct()
    models_ = []
    for office in offices:
        try:
            trained = train(office, as_of)
        except NotEnoughHistory:
            if log:
                log(f"{office.code}: not enough lists with a known outcome to learn from")
            continue
        n = score_latest(office, trained.model)
        if log:
            log(describe(trained.model) + f"; {n} rows of the latest lists scored")
        models_.append(trained.model)
    return models_


def describe(m: RiskModel) -> str:
    def f(v):
        return "-" if v is None else f"{v:.3f}"

    held = f"held out from {m.test_from:%m/%Y}" if m.test_from else "nothing held out"
    return (
        f"{m.office.code}: {m.rows} rows ({m.positives} lapsed), lists "
        f"{m.window_start:%m/%Y}-{m.window_end:%m/%Y}, {held}: AUC {f(m.auc)} "
        f"(due {f(m.auc_due)}, unpaid {f(m.auc_unpaid)}), Brier {f(m.brier)} "
        f"(due {f(m.brier_due)}, unpaid {f(m.brier_unpaid)}); {m.elapsed_ms} ms"
    )
