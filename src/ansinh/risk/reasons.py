"""The reasons shown beside a score: its largest positive terms, worded (decision 0022).

Each feature has a wording for a value above the office's mean and one for a value below
(None: never a reason that way). A reason is stored as `[msgid, {params}]` on the list's row
and translated when shown (`common.templatetags.ansinh.stored_message`), so the words follow
the reader's language; the msgids are marked here for the catalogue.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ansinh.common.text import money

#: feature -> (wording when high, wording when low); %(n)s is the row's value.
WORDS = {
    "unpaid_list": (gettext_noop("Already on the unpaid list"), gettext_noop("Not yet overdue")),
    "months_overdue": (gettext_noop("Months overdue: %(n)s"), None),
    "mode_monthly": (gettext_noop("Pays month by month"), None),
    "mode_3": (gettext_noop("Pays every 3 months"), None),
    "mode_6": (gettext_noop("Pays every 6 months"), None),
    "no_support": (
        gettext_noop("No state support group"),
        gettext_noop("In a state support group"),
    ),
    "income_millions": (
        gettext_noop("High chosen income (%(money)s)"),
        gettext_noop("Low chosen income (%(money)s)"),
    ),
    "age": (
        gettext_noop("Older participant (%(n)s years old)"),
        gettext_noop("Young participant (%(n)s years old)"),
    ),
    "retirement_age": (gettext_noop("Has reached the retirement age"), None),
    "tenure_years": (gettext_noop("Enrolled for %(n)s years"), gettext_noop("Joined recently")),
    "gap_months_24": (gettext_noop("Unpaid months in the last two years: %(n)s"), None),
    "late_payments_24": (gettext_noop("Late payments in the last two years: %(n)s"), None),
    "late_payments_6": (gettext_noop("Paid late in the last six months: %(n)s times"), None),
    "paid_ahead_share_12": (
        gettext_noop("Usually pays before the period starts"),
        gettext_noop("Seldom pays before the period starts"),
    ),
    "unpaid_lists_12": (gettext_noop("Times on an unpaid list in the last year: %(n)s"), None),
    "reason_hardship": (gettext_noop("Last reason given: financial hardship"), None),
    "reason_away": (gettext_noop("Last reason given: away working"), None),
    "reason_forgot": (gettext_noop("Last reason given: forgot"), None),
    "reason_leaving": (gettext_noop("Last reason given: leaving voluntary insurance"), None),
    "reason_unreachable": (gettext_noop("Last reason given: could not be reached"), None),
    "reason_other": (gettext_noop("Last reason given: another reason"), None),
    "visited_12": (
        gettext_noop("Visited by an official"),
        gettext_noop("Not visited by an official"),
    ),
    "collector_lapse_rate": (
        gettext_noop("The collector’s people often lapse (%(pct)s%%)"),
        gettext_noop("The collector’s people rarely lapse (%(pct)s%%)"),
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


#: Short names of the features, for the model's page.
LABELS = {
    "unpaid_list": _("On the unpaid list"),
    "months_overdue": _("Months overdue"),
    "mode_monthly": _("Pays monthly"),
    "mode_3": _("Pays every 3 months"),
    "mode_6": _("Pays every 6 months"),
    "no_support": _("No state support"),
    "income_millions": _("Chosen income (millions)"),
    "age": _("Age"),
    "retirement_age": _("Reached the retirement age"),
    "tenure_years": _("Years enrolled"),
    "gap_months_24": _("Unpaid months, last 2 years"),
    "late_payments_24": _("Late payments, last 2 years"),
    "late_payments_6": _("Late payments, last 6 months"),
    "paid_ahead_share_12": _("Share paid before the period, last year"),
    "unpaid_lists_12": _("Times on an unpaid list, last year"),
    "reason_hardship": _("Last reason: financial hardship"),
    "reason_away": _("Last reason: away working"),
    "reason_forgot": _("Last reason: forgot"),
    "reason_leaving": _("Last reason: leaving (compulsory, withdrawal)"),
    "reason_unreachable": _("Last reason: could not be reached"),
    "reason_other": _("Last reason: other"),
    "visited_12": _("Visited by an official, last year"),
    "collector_lapse_rate": _("Collector’s lapse rate"),
}
