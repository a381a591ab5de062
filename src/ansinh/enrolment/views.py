from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ansinh.common import qr
from ansinh.common.forms import add_errors
from ansinh.common.params import int_param
from ansinh.common.rule_errors import (
    QUOTE_DATE_ERRORS,
    date_error,
    income_error,
    payback_error,
)
from ansinh.common.rule_errors import quote_error as input_error_text
from ansinh.common.text import add_months
from ansinh.common.widgets import MonthField
from ansinh.parameters.table import income_floor
from ansinh.registry.models import Household, Person
from ansinh.rules.errors import InputError
from ansinh.rules.vsi import IncomeOutOfRange, PaybackNotAllowed

from . import services
from .exports import participants_workbook
from .forms import HiEnrolForm, ReceiptForm, VsiEnrolForm, VsiReceiptForm
from .models import HiEnrolment, HiStatus, PaymentMethod, Receipt, VsiEnrolment
from .queries import hi_joining_quote, participants


def _person(request, pk):
    return get_object_or_404(Person.objects.restrict(request.user).select_related("commune"), pk=pk)


def _live_quote(person, income, method, lump_years, on, months=None):
    """The quote shown while typing; an out-of-range income gives the law's message."""
    try:
        income = int(income)
    except (TypeError, ValueError):
        return None, _("Type the monthly income in dong, e.g. 1500000.")
    try:
        months = months or PaymentMethod.period_months(method, lump_years or 0)
        quote = services.quote_for_person(person, income, on, months, method, lump_years or 0)
        return quote, None
    except IncomeOutOfRange as exc:
        return None, income_error(exc)
    except QUOTE_DATE_ERRORS:
        return None, date_error(on)
    except PaybackNotAllowed as exc:
        return None, payback_error(exc.on)
    except InputError as exc:
        return None, input_error_text(exc)
    except (TypeError, ValueError) as exc:
        return None, str(exc)


@login_required
def vsi_enrol(request, pk):
    person = _person(request, pk)
    if not request.user.edits_registry:
        raise PermissionDenied
    form = VsiEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.enrol_vsi(
                request.user, person, c["income"], c["method"], c["start"], c["lump_years"] or 0
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Enrolled in voluntary social insurance."))
            return redirect("person_detail", pk=person.pk)
    data = form.data if form.is_bound else form.initial
    start = (
        form.cleaned_data.get("start") if form.is_bound and hasattr(form, "cleaned_data") else None
    )
    quote, error = _live_quote(
        person,
        data.get("income") or income_floor(),
        data.get("method", "1"),
        int_param(data, "lump_years", 0),
        start or date.today(),
    )
    return render(
        request,
        "enrolment/vsi_enrol.html",
        {"form": form, "person": person, "quote": quote, "quote_error": error},
    )


@login_required
def vsi_quote_live(request, pk):
    """HTMX: the premium, state support and amount to pay, as the official types."""
    person = _person(request, pk)
    try:
        on = MonthField(required=False).clean(request.GET.get("start")) or date.today()
    except ValidationError:
        on = date.today()
    quote, error = _live_quote(
        person,
        request.GET.get("income"),
        request.GET.get("method", "1"),
        int_param(request.GET, "lump_years", 0),
        on,
    )
    return render(request, "enrolment/_live_quote.html", {"quote": quote, "quote_error": error})


@login_required
def hi_enrol(request, pk):
    household = get_object_or_404(Household.objects.restrict(request.user), pk=pk)
    if not request.user.edits_registry:
        raise PermissionDenied
    form = HiEnrolForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        persons = list(
            household.members.filter(pk__in=form.cleaned_data["members"]).order_by(
                "household_order"
            )
        )
        try:
            services.enrol_hi(
                request.user, household, persons, form.cleaned_data["period_months"], date.today()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Enrolled in household health insurance."))
            return redirect("household_detail", pk=household.pk)
    chosen = form.data.getlist("members") if form.is_bound else []
    joining = (
        len(chosen)
        or household.members.exclude(
            pk__in=HiEnrolment.objects.filter(household=household)
            .exclude(status=HiStatus.STOPPED)
            .values("person_id")
        ).count()
    )
    period = int_param(form.data, "period_months", 12) if form.is_bound else 12
    quote = card_end = quote_error = None
    if joining:
        try:
            quote, card_end = hi_joining_quote(household, joining, period, date.today())
        except QUOTE_DATE_ERRORS:
            quote_error = date_error(date.today())
        except InputError as exc:
            quote_error = input_error_text(exc)
    return render(
        request,
        "enrolment/hi_enrol.html",
        {
            "form": form,
            "household": household,
            "quote": quote,
            "card_end": card_end,
            "quote_error": quote_error,
        },
    )


@login_required
def vsi_receipt(request, pk):
    enrolment = get_object_or_404(
        VsiEnrolment.objects.restrict(request.user).select_related("person__commune"), pk=pk
    )
    if not request.user.records_receipts:
        raise PermissionDenied
    form = VsiReceiptForm(request.POST or None, initial={"months": enrolment.period_months})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            receipt = services.record_vsi_receipt(
                request.user,
                enrolment,
                services.ReceiptInput(
                    number=c["number"], paid_on=c["paid_on"], months=c["months"], mode=c["mode"]
                ),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            enrolment.refresh_from_db()
            messages.success(
                request,
                _("Receipt %(n)s recorded: %(from)s to %(to)s.")
                % {
                    "n": receipt.number,
                    "from": receipt.from_month.strftime("%m/%Y"),
                    "to": enrolment.paid_through.strftime("%m/%Y"),
                },
            )
            return redirect("person_detail", pk=enrolment.person_id)
    months = int_param(form.data, "months", 0) if form.is_bound else enrolment.period_months
    quote, error = _receipt_quote(enrolment, months, date.today(), form.data.get("mode", ""))
    return render(
        request,
        "enrolment/receipt.html",
        {
            "form": form,
            "enrolment": enrolment,
            "person": enrolment.person,
            "quote": quote,
            "quote_error": error,
            "next_month": services.next_unpaid_month(enrolment, date.today()),
        },
    )


def _receipt_quote(enrolment, months, on, given=""):
    """What a receipt for `months` months paid on `on` costs: the mode receipt_mode gives
    (the enrolment's, a lump sum, or missed months paid back), priced as the receipt will be."""
    first = services.next_unpaid_month(enrolment, on)
    months = months or enrolment.period_months
    try:
        mode = services.receipt_mode(enrolment.method, enrolment.status, first, on, months, given)
    except services.ModeError as exc:
        return None, str(exc)
    if mode in (PaymentMethod.ADVANCE, PaymentMethod.MISSING_YEARS):
        months = enrolment.period_months
    return _live_quote(enrolment.person, enrolment.income, mode, enrolment.lump_years, on, months)


@login_required
def vsi_receipt_quote(request, pk):
    """HTMX: the amount due as the collector changes the months or the date paid."""
    enrolment = get_object_or_404(
        VsiEnrolment.objects.restrict(request.user).select_related("person__commune"), pk=pk
    )
    try:
        on = date.fromisoformat(request.GET.get("paid_on", ""))
    except ValueError:
        on = date.today()
    quote, error = _receipt_quote(
        enrolment, int_param(request.GET, "months", 0), on, request.GET.get("mode", "")
    )
    return render(request, "enrolment/_live_quote.html", {"quote": quote, "quote_error": error})


@login_required
def hi_receipt(request, pk):
    household = get_object_or_404(Household.objects.restrict(request.user), pk=pk)
    if not request.user.records_receipts:
        raise PermissionDenied
    form = ReceiptForm(request.POST or None, initial={"months": 12})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            receipt = services.record_hi_receipt(
                request.user,
                household,
                services.ReceiptInput(number=c["number"], paid_on=c["paid_on"], months=c["months"]),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Receipt %(n)s recorded.") % {"n": receipt.number})
            return redirect("household_detail", pk=household.pk)
    return render(request, "enrolment/hi_receipt.html", {"form": form, "household": household})


@login_required
def receipt_detail(request, pk):
    """A receipt as the participant keeps it (printable), with the QR code that opens their
    own look-up, prefilled with their social-insurance code (never the birth date)."""
    receipt = get_object_or_404(
        Receipt.objects.restrict(request.user).select_related(
            "person__commune__province", "collector", "organisation", "vsi_enrolment"
        ),
        pk=pk,
    )
    url = qr.lookup_url(request.build_absolute_uri("/"), receipt.person.si_code)
    return render(
        request,
        "enrolment/receipt_detail.html",
        {
            "receipt": receipt,
            "person": receipt.person,
            "to_month": add_months(receipt.from_month, receipt.months - 1),
            "qr_svg": mark_safe(qr.svg(url, scale=3)),  # made here by segno, no user text
            "lookup_url": url,
        },
    )


@login_required
def participant_list(request):
    from django.core.paginator import Paginator

    filterset = participants(request.user, request.GET or None)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/participant_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@login_required
def participant_export(request):
    filterset = participants(request.user, request.GET or None)
    return participants_workbook(request.user, filterset.qs)
