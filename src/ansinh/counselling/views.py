from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from ansinh.accounts.audit import history
from ansinh.common.rule_errors import (
    QUOTE_DATE_ERRORS,
    date_error,
    income_error,
    payback_error,
    quote_error,
)
from ansinh.enrolment.queries import (
    contribution_history,
    person_enrolments,
    person_receipts,
    timeline,
)
from ansinh.enrolment.services import support_months_used
from ansinh.parameters.table import current_table
from ansinh.registry.models import Person
from ansinh.registry.queries import support_history
from ansinh.rules.errors import InputError
from ansinh.rules.hi import hi_quote, household_quote
from ansinh.rules.months import Month
from ansinh.rules.vsi import IncomeOutOfRange, PaybackNotAllowed, vsi_method_quote

from .forms import HiQuoteForm, HouseholdJoinForm, LeavingJobForm, VsiQuoteForm
from .outlook import (
    LeavingJobCase,
    compare_leaving_job,
    compare_person,
    default_income,
    leaving_job_history,
    person_outlook,
)


@login_required
def person_detail(request, pk):
    """The participant's file: household, support, enrolments, receipts, the month-by-month
    timeline and the pension outlook (registry, enrolment and counselling together)."""
    person = get_object_or_404(
        Person.objects.restrict(request.user)
        .select_related("commune__province", "hamlet", "household", "collector__organisation")
        # read by the history, the outlook's support groups and the page: one query each
        .prefetch_related("compulsory_periods", "support_groups"),
        pk=pk,
    )
    months = contribution_history(person)
    vsi, hi = person_enrolments(person)
    context = {
        "person": person,
        "members": person.household.members.order_by("household_order") if person.household else [],
        "support": support_history(person),
        "vsi_enrolments": vsi,
        "hi_enrolments": hi,
        "receipts": person_receipts(person),
        "timeline": timeline(months),
        "outlook": person_outlook(person, months),
        "compulsory": person.compulsory_periods.all(),
        "duplicates": person.likely_duplicates().restrict(request.user),
        "duplicate_count": person.likely_duplicates().count(),
        "audit": history(person)[:20],
    }
    return render(request, "registry/person_detail.html", context)


@login_required
def counsel(request):
    """Quotes for either scheme and the leaving-a-job comparison, without registering anyone."""
    tab = request.GET.get("tab", "vsi")
    context = {"tab": tab}
    if tab == "hi":
        context.update(_hi_quote(request.GET if "members" in request.GET else None))
    elif tab == "join":
        context.update(_household_quote(request.GET if "join_1" in request.GET else None))
    elif tab == "job":
        context.update(_leaving_job(request.GET if "born" in request.GET else None))
    else:
        tab = context["tab"] = "vsi"
        person = _person_of(request)
        context.update(_vsi_quote(request.GET if "income" in request.GET else None, person))
    if request.htmx and request.htmx.target == "result":
        return render(request, f"counselling/_{tab}_result.html", context)
    return render(request, "counselling/counsel.html", context)


@login_required
def leaving_job_pdf(request):
    context = _leaving_job(request.GET)
    if context["projection"] is None:
        return render(request, "counselling/counsel.html", {"tab": "job", **context}, status=400)
    return _pdf(request, "counselling/sheet.html", context, "so-sanh-bhxh.pdf")


@login_required
def person_counsel(request, pk):
    person = get_object_or_404(
        Person.objects.restrict(request.user).select_related("commune"), pk=pk
    )
    history = contribution_history(person)
    table = current_table()
    try:
        income = max(0, int(request.GET.get("income") or 0))
    except ValueError:
        income = 0
    error = None
    if not income:
        income = default_income(person, history)
    projection = None
    try:
        projection = compare_person(person, history, income)
    except IncomeOutOfRange as exc:
        error = income_error(exc)
    used = support_months_used(person)
    cap = int(table.value_or("vsi.support.max_months", date.today(), 0))
    context = {
        "person": person,
        "support_used": used,
        "support_cap": cap,
        "support_left": max(0, cap - used),
        "projection": projection,
        "income": income,
        "error": error,
        "history_months": len(history),
        "today": Month.of(date.today()),
    }
    if request.GET.get("format") == "pdf" and projection:
        return _pdf(request, "counselling/sheet.html", context, f"so-sanh-{person.pk}.pdf")
    return render(request, "counselling/person_counsel.html", context)


def _person_of(request):
    """The person a quote is for (?person=<pk>, in the user's scope), or None."""
    pk = request.GET.get("person", "")
    if not pk.isdigit():
        return None
    return Person.objects.restrict(request.user).filter(pk=int(pk)).first()


def _vsi_quote(data, person=None):
    """The quote for any payment method; for a person, their supported months come from the
    ledger (the same count the enrolment form and the receipts use)."""
    used_by_person = support_months_used(person) if person else None
    form = VsiQuoteForm(data, initial={"support_used": used_by_person or 0})
    quote = None
    if data is not None and form.is_valid():
        c = form.cleaned_data
        used = c["support_used"] if c["support_used"] is not None else (used_by_person or 0)
        try:
            quote = vsi_method_quote(
                current_table(),
                c["income"],
                [c["group"]],
                c["on"],
                method=c["mode"],
                months=c["months"] or (1 if c["mode"] == "payback" else None),
                support_months_used=used,
            )
        except IncomeOutOfRange as exc:
            form.add_error("income", income_error(exc))
        except QUOTE_DATE_ERRORS:
            form.add_error("on", date_error(c["on"]))
        except PaybackNotAllowed as exc:
            form.add_error("mode", payback_error(exc.on))
        except InputError as exc:
            _input_error(form, exc)
    return {"form": form, "quote": quote, "person": person, "used_by_person": used_by_person}


def _input_error(form, exc: InputError) -> None:
    """The rules' bad-input error in the page's language, beside the field it is about."""
    form.add_error(exc.field if exc.field in form.fields else None, quote_error(exc))


def _household_quote(data):
    form = HouseholdJoinForm(data)
    quote = None
    if data is not None and form.is_valid():
        c = form.cleaned_data
        try:
            quote = household_quote(
                current_table(),
                c["joins"],
                months=None if c["card_end"] else c["months"],
                card_end=c["card_end"],
                enrolled=c["enrolled"],
            )
        except QUOTE_DATE_ERRORS:
            form.add_error("join_1", date_error(c["joins"][0]))
        except InputError as exc:
            _input_error(form, exc)
    return {"form": form, "quote": quote}


def _hi_quote(data):
    form = HiQuoteForm(data)
    quote = None
    if data is not None and form.is_valid():
        c = form.cleaned_data
        try:
            quote = hi_quote(current_table(), c["members"], c["on"], c["months"])
        except QUOTE_DATE_ERRORS:
            form.add_error("on", date_error(c["on"]))
        except InputError as exc:
            _input_error(form, exc)
    return {"form": form, "quote": quote}


def _leaving_job(data):
    form = LeavingJobForm(data)
    projection = case = None
    if data is not None and form.is_valid():
        c = form.cleaned_data
        case = LeavingJobCase(
            sex=c["sex"],
            born=c["born"],
            compulsory_months=c["total_months"],
            compulsory_salary=c["compulsory_salary"],
            left_in=c["left_in"],
            income=c["income"],
            groups=(c["group"],),
        )
        try:
            projection = compare_leaving_job(case)
        except IncomeOutOfRange as exc:
            form.add_error("income", income_error(exc))
        except QUOTE_DATE_ERRORS:
            form.add_error("left_in", date_error(c["left_in"].first_day()))
        except ValueError as exc:
            form.add_error(None, str(exc))
    return {
        "form": form,
        "projection": projection,
        "case": case,
        "history_months": len(leaving_job_history(case)) if case else 0,
    }


def _pdf(request, template, context, filename):
    from weasyprint import HTML

    html = render_to_string(template, {**context, "printed_on": date.today()}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
