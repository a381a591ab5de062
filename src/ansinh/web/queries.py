"""The counts on the home page, from the same scoped querysets every page uses.

Served from this month's rows of the figures summary (`reports.figures`, refreshed when
older than a couple of minutes) when the user's scope is a set of communes; counted live
for collection staff, whose scope is their own people.
"""

from datetime import date

from ansinh.enrolment.models import HiEnrolment, HiStatus, Receipt, VsiEnrolment, VsiStatus


def live_home_figures(user, today: date) -> dict:
    vsi = VsiEnrolment.objects.restrict(user)
    month_start = today.replace(day=1)
    return {
        "vsi_active": vsi.filter(status=VsiStatus.ACTIVE).count(),
        "vsi_suspended": vsi.filter(status=VsiStatus.SUSPENDED).count(),
        "hi_active": HiEnrolment.objects.restrict(user)
        .filter(status=HiStatus.ACTIVE, card_to__gte=today)
        .count(),
        "receipts_month": Receipt.objects.restrict(user).filter(paid_on__gte=month_start).count(),
    }


def home_figures(user, today: date) -> dict:
    from ansinh.reports.figures import SummaryCounts

    if today != date.today():
        return live_home_figures(user, today)
    counter = SummaryCounts(user, None, [today])
    if counter.live:
        return live_home_figures(user, today)
    return {
        "vsi_active": counter.now("vsi_active"),
        "vsi_suspended": counter.now("vsi_suspended"),
        "hi_active": counter.now("hi_active"),
        "receipts_month": counter.now("receipts"),
    }
