"""The counts on the home page, from the same scoped querysets every page uses."""

from datetime import date

from ansinh.enrolment.models import HiEnrolment, HiStatus, Receipt, VsiEnrolment, VsiStatus


def home_figures(user, today: date) -> dict:
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
