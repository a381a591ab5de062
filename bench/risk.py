"""The lapse-risk benchmark part (decision 0022): training and scoring times at the scale of
the benchmark database (bench/generate.py: province scale, 200,000 VSI participants).

`part_risk()` issues the past months' lists the model learns from (as the demo does, with
`historical=True`: paid_through read as of each 25th from the contribution months, nobody
suspended), trains each office's model (`risk.services.train`), scores each office's latest
lists, then deletes what it wrote (the lists it issued and the models), so it can run again.
Returns the times and the sizes; bench/run.py prints them (report_risk, province scale).
"""

from __future__ import annotations

import time
from datetime import date

from common import peak_rss_mb, setup_django

#: Past months of lists to learn from: outcomes are known for the lists issued at least
#: HORIZON_MONTHS + 1 months ago, so nine months give about six months of labelled lists.
HISTORY_MONTHS = 9

UNDO = [
    "DELETE FROM collection_cycleentry WHERE run_id = ANY(%(runs)s)",
    "DELETE FROM collection_cyclelist WHERE run_id = ANY(%(runs)s)",
    "DELETE FROM collection_cyclequote WHERE run_id = ANY(%(runs)s)",
    "DELETE FROM collection_cyclerun WHERE id = ANY(%(runs)s)",
    "DELETE FROM risk_riskmodel WHERE id = ANY(%(models)s)",
]


def part_risk(history_months: int = HISTORY_MONTHS) -> dict:
    setup_django()
    from django.db import connection, transaction

    from ansinh.collection.cycle import issue_cycles
    from ansinh.places.models import Office
    from ansinh.risk import services
    from ansinh.rules.months import Month

    today = date.today()
    month = Month.of(today)
    offices = list(
        Office.objects.filter(kind=Office.Kind.BASE, organisations__isnull=False).distinct()
    )
    runs, models = [], []
    try:
        t = time.perf_counter()
        for i in range(history_months, 0, -1):
            for r in issue_cycles(offices, month - i, historical=True):
                if r.created:
                    runs.append(r.run.pk)
        history_s = time.perf_counter() - t

        t = time.perf_counter()
        trained = []
        for office in offices:
            try:
                trained.append(services.train(office, as_of=today))
            except services.NotEnoughHistory:
                pass
        train_s = time.perf_counter() - t
        models = [tr.model.pk for tr in trained]

        t = time.perf_counter()
        scored = sum(services.score_latest(tr.model.office, tr.model) for tr in trained)
        score_s = time.perf_counter() - t
        rss = peak_rss_mb()
        rows = sum(tr.model.rows for tr in trained)
        quality = [
            {"office": tr.model.office.code, "auc": tr.model.auc, "brier": tr.model.brier}
            for tr in trained
        ]
    finally:
        with transaction.atomic(), connection.cursor() as cur:
            for statement in UNDO:
                cur.execute(statement, {"runs": runs, "models": models})
    return {
        "history_lists_s": history_s,
        "train_s": train_s,
        "train_rows": rows,
        "models": len(models),
        "score_s": score_s,
        "scored_rows": scored,
        "score_rows_per_s": scored / score_s if score_s else 0.0,
        "rss_mb": rss,
        "quality": quality,
    }


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print(json.dumps(part_risk()))
