"""The counts on the home page, from the same query functions every page uses.

Two counts of VSI (decision 0010, "two counts"): `vsi`, the participants (paid for this
month or the last: `targets.queries.metric_count`, as the dashboard, its exports and the
period report count them) and `vsi_active`, the enrolments whose status is active
(`targets.queries.vsi_active_enrolments`), which include people not yet due to pay.

Served from this month's rows of the figures summary (`reports.figures`, refreshed when
older than a couple of minutes) when the user's scope is a set of communes; counted live
for collection staff, whose scope is their own people.
"""

from datetime import date

from ansinh.enrolment.models import HiEnrolment, HiStatus, Receipt, VsiEnrolment, VsiStatus
from ansinh.targets.choices import Metric
from ansinh.targets.queries import counting_months, metric_count, vsi_active_enrolments


def live_home_figures(user, today: date) -> dict:
    vsi = VsiEnrolment.objects.restrict(user)
    month_start = today.replace(day=1)
    return {
        "vsi": metric_count(user, Metric.VSI, today),
        "vsi_months": counting_months(today),
        "vsi_active": vsi_active_enrolments(user),
        "vsi_suspended": vsi.filter(status=VsiStatus.SUSPENDED).count(),
        "hi_active": HiEnrolment.objects.restrict(user)
        .filter(status=HiStatus.ACTIVE, card_to__gte=today)
        .count(),
        "receipts_month": Receipt.objects.restrict(user).filter(paid_on__gte=month_start).count(),
        "as_of": None,  # counted now
    }


def home_figures(user, today: date) -> dict:
    from ansinh.reports.figures import SummaryCounts

    if today != date.today():
        return live_home_figures(user, today)
    counter = SummaryCounts(user, None, [today])
    if counter.live:
        return live_home_figures(user, today)
    return {
        "vsi": counter.count(Metric.VSI, today),
        "vsi_months": counting_months(today),
        "vsi_active": counter.now("vsi_active"),
        "vsi_suspended": counter.now("vsi_suspended"),
        "hi_active": counter.now("hi_active"),
        "receipts_month": counter.now("receipts"),
        "as_of": counter.as_of,  # when the summary's rows are stale (being refreshed)
    }
