"""The reasons shown beside a score: its largest positive terms, worded (decision 0022).

Each feature has a wording for a value above the office's mean and one for a value below
(None: never a reason that way). A reason is stored as `[msgid, {params}]` on the list's row
and translated when shown (`common.templatetags.ansinh.stored_message`), so the words follow
the reader's language; the msgids are marked here for the catalogue.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from ansinh.common.text import money

#: feature -> (wording when high, wording when low); %(n)s is the row's value.
WORDS = {
    "unpaid_list": (N_("Already on the unpaid list"), N_("Not yet overdue")),
    "months_overdue": (N_("%(n)s months overdue"), None),
    "mode_monthly": (N_("Pays month by month"), None),
    "mode_3": (N_("Pays every 3 months"), None),
    "mode_6": (N_("Pays every 6 months"), None),
    "no_support": (N_("No state support group"), N_("In a state support group")),
    "income_millions": (N_("High chosen income (%(money)s)"), N_("Low chosen income (%(money)s)")),
    "age": (N_("Older participant (%(n)s years old)"), N_("Young participant (%(n)s years old)")),
    "tenure_years": (N_("Enrolled for %(n)s years"), N_("Joined recently")),
    "gap_months_24": (N_("%(n)s months unpaid in the last two years"), None),
    "late_payments_24": (N_("Paid late %(n)s times in the last two years"), None),
    "unpaid_lists_12": (N_("On an unpaid list %(n)s times in the last year"), None),
    "reason_hardship": (N_("Last reason given: financial hardship"), None),
    "reason_away": (N_("Last reason given: away working"), None),
    "reason_forgot": (N_("Last reason given: forgot"), None),
    "reason_leaving": (N_("Last reason given: leaving voluntary insurance"), None),
    "reason_unreachable": (N_("Last reason given: could not be reached"), None),
    "reason_other": (N_("Last reason given: another reason"), None),
    "visited_12": (N_("Visited by an official"), N_("Not visited by an official")),
    "collector_lapse_rate": (
        N_("The collector’s people often lapse (%(pct)s%%)"),
        N_("The collector’s people rarely lapse (%(pct)s%%)"),
    ),
}

#: How many reasons a row shows.
TOP = 3


def _params(name: str, value: float) -> dict:
    if name == "income_millions":
        return {"money": money(round(value * 1_000_000))}
    if name == "collector_lapse_rate":
        return {"pct": round(value * 100)}
    if name in ("age", "tenure_years"):
        return {"n": int(value)}
    return {"n": int(round(value))}


def top_reasons(names, values, terms, means, top: int = TOP) -> list[list]:
    """The `top` largest positive terms of one row, worded: [[msgid, params], ...]."""
    order = sorted(range(len(names)), key=lambda i: -terms[i])
    out = []
    for i in order:
        if terms[i] <= 0 or len(out) >= top:
            break
        high, low = WORDS.get(names[i], (None, None))
        msgid = high if values[i] > means[i] else low
        if msgid is None:
            continue
        out.append([msgid, _params(names[i], values[i])])
    return out
