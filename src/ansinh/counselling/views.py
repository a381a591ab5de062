from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from ansinh.common.rule_errors import QUOTE_DATE_ERRORS, date_error, income_error
from ansinh.enrolment.queries import contribution_history
from ansinh.parameters.table import current_table
from ansinh.registry.models import Person
from ansinh.rules.hi import hi_quote
from ansinh.rules.months import Month
from ansinh.rules.vsi import IncomeOutOfRange, income_bounds, vsi_quote

from .forms import HiQuoteForm, LeavingJobForm, VsiQuoteForm
from .outlook import LeavingJobCase, compare_leaving_job, compare_person, leaving_job_history


@login_required
def counsel(request):
    """Quotes for either scheme and the leaving-a-job comparison, without registering anyone."""
    tab = request.GET.get("tab", "vsi")
    context = {"tab": tab}
    if tab == "hi":
        context.update(_hi_quote(request.GET if "members" in request.GET else None))
    elif tab == "job":
        context.update(_leaving_job(request.GET if "born" in request.GET else None))
    else:
        context.update(_vsi_quote(request.GET if "income" in request.GET else None))
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
    low, _high = income_bounds(table, date.today())
    error = None
    if not income:
        enrolment = person.vsi_enrolments.exclude(status="stopped").first()
        income = enrolment.income if enrolment else low
    projection = None
    try:
        projection = compare_person(person, history, income)
    except IncomeOutOfRange as exc:
        error = income_error(exc)
    context = {
        "person": person,
        "projection": projection,
        "income": income,
        "error": error,
        "history_months": len(history),
        "today": Month.of(date.today()),
    }
    if request.GET.get("format") == "pdf" and projection:
        return _pdf(request, "counselling/sheet.html", context, f"so-sanh-{person.pk}.pdf")
    return render(request, "counselling/person_counsel.html", context)


def _vsi_quote(data):
    form = VsiQuoteForm(data)
    quote = None
    if data is not None and form.is_valid():
        c = form.cleaned_data
        try:
            quote = vsi_quote(current_table(), c["income"], [c["group"]], c["on"], c["months"])
        except IncomeOutOfRange as exc:
            form.add_error("income", income_error(exc))
        except QUOTE_DATE_ERRORS:
            form.add_error("on", date_error(c["on"]))
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
        except ValueError as exc:
            form.add_error("months", str(exc))
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
