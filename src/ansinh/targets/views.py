from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ansinh.accounts.models import Role
from ansinh.accounts.scope import scope_for
from ansinh.common.excel import build_workbook, workbook_response
from ansinh.common.params import QueryParams
from ansinh.places.models import Commune
from ansinh.places.queries import hamlets_of, office_areas

from . import queries, services
from .choices import Level, Metric
from .forms import GrowthForm, HamletForm, PopulationForm, SplitForm, TargetForm
from .models import OfficeTarget
from .population import HAMLET_HEADERS, HAMLET_TITLES, HEADERS, TITLES, parse_population


def _office(request):
    office = queries.office_for(
        request.user, request.GET.get("office") or request.POST.get("office")
    )
    if office is None:
        raise Http404(_("No office in your area."))
    return office


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
def target_index(request):
    office = _office(request)
    params = QueryParams(request.GET)
    year = params.year("year", date.today().year)
    on = params.date("on", min(date.today(), date(year, 12, 31)))
    baseline = params.date("baseline", date(year - 1, 12, 31))
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_target(
                    request.user,
                    office,
                    year,
                    form.cleaned_data["metric"],
                    form.cleaned_data["value"],
                )
            except ValidationError as exc:
                for m in _errors(exc):
                    form.add_error(None, m)
            else:
                messages.success(request, _("Target saved."))
                return redirect(f"{reverse('target_index')}?office={office.pk}&year={year}")
    rows = []
    targets = queries.office_targets(request.user, office, year)
    for metric in Metric.values:
        communes = [c.code for c in queries.office_communes(office, on)]
        count = queries.metric_count(request.user, metric, on, communes=communes)
        base = queries.metric_count(request.user, metric, baseline, communes=communes)
        if metric in (Metric.VSI_NEW, Metric.HI_NEW) and baseline.year < year:
            base = 0
        target = targets.get(metric)
        rows.append(
            queries.ProgressRow(
                Metric(metric).label,
                target.pk if target else None,
                target.value if target else None,
                count,
                base,
            )
        )
    growth = None
    growth_form = GrowthForm(request.GET if "start" in request.GET else None)
    if growth_form.is_bound and growth_form.is_valid():
        c = growth_form.cleaned_data
        growth = queries.growth_between(request.user, office, c["metric"], c["start"], c["end"])
    return render(
        request,
        "targets/index.html",
        {
            "office": office,
            "offices": queries.visible_offices(request.user),
            "year": year,
            "on": on,
            "baseline": baseline,
            "rows": rows,
            "form": form,
            "params": params,
            "growth_form": growth_form,
            "growth": growth,
            "can_set": queries.can_set_targets(request.user),
            "can_split": queries.can_split_targets(request.user),
            "population_form": PopulationForm(),
            "communes": queries.coverage(request.user, office, on, by="commune"),
            "hamlets": queries.coverage(request.user, office, on, by="hamlet"),
        },
    )


@login_required
def target_detail(request, pk):
    target = get_object_or_404(
        OfficeTarget.objects.restrict(request.user).select_related("office"), pk=pk
    )
    office = target.office
    today = date.today()
    on = min(today, date(target.year, 12, 31))
    progress = queries.target_progress(
        request.user, office, target.year, target.metric, on, date(target.year - 1, 12, 31)
    )
    level = request.POST.get("level") if request.method == "POST" else None
    forms = {}
    for lv in Level.values:
        units = [(row.unit_id, row.label) for row in progress.rows[lv]]
        initial = {row.unit_id: row.target for row in progress.rows[lv]}
        forms[lv] = SplitForm(
            request.POST if level == lv else None, units=units, initial_values=initial, prefix=lv
        )
    if level in forms:
        form = forms[level]
        if form.is_valid():
            try:
                services.split_target(request.user, target, level, form.values())
            except ValidationError as exc:
                for m in _errors(exc):
                    form.add_error(None, m)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The split is saved."))
                return redirect("target_detail", pk=target.pk)
    sections = [
        (
            lv,
            Level(lv).label,
            [(r, forms[lv][f"u_{r.unit_id}"]) for r in progress.rows[lv]],
            forms[lv],
            sum(r.target or 0 for r in progress.rows[lv]),
        )
        for lv in Level.values
    ]
    return render(
        request,
        "targets/detail.html",
        {
            "target": target,
            "progress": progress,
            "sections": sections,
            "can_split": queries.can_split_targets(request.user),
        },
    )


def _level(params) -> str:
    return "hamlet" if params.get("level") == "hamlet" else "commune"


@login_required
def population_template(request):
    """The office's communes (or hamlets, `?level=hamlet`) with today's figures, to fill in."""
    office = _office(request)
    level = _level(request.GET)
    rows = services.population_template_rows(office, level)
    headers, titles = (HAMLET_HEADERS, HAMLET_TITLES) if level == "hamlet" else (HEADERS, TITLES)
    name = "dan-so-ap" if level == "hamlet" else "dan-so-xa"
    if request.GET.get("format") == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    wb = build_workbook(
        "DÂN SỐ VÀ DÂN SỐ TRONG ĐỘ TUỔI LAO ĐỘNG THEO "
        + ("ẤP/KHU PHỐ" if level == "hamlet" else "XÃ"),
        headers,
        rows,
        subtitle_lines=[str(office), " | ".join(titles)],
        sheet_name="Dân số",
    )
    return workbook_response(wb, f"{name}.xlsx")


@login_required
def population_upload(request):
    office = _office(request)
    back = f"{reverse('target_index')}?office={office.pk}#population"
    form = PopulationForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect(back)
    level = _level(request.POST)
    try:
        rows = parse_population(form.cleaned_data["file"], level)
        if level == "hamlet":
            n = services.import_hamlet_population(request.user, rows)
        else:
            n = services.import_population(request.user, rows)
    except ValidationError as exc:
        messages.error(
            request, _("Nothing was loaded: %(errors)s") % {"errors": " ".join(_errors(exc))}
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        done = (
            _("Population loaded for %(n)s hamlets.")
            if level == "hamlet"
            else _("Population loaded for %(n)s communes.")
        )
        messages.success(request, done % {"n": n})
    return redirect(back)


@login_required
def office_detail(request):
    """The user's office: its names over time, the communes it serves, hamlets and counts."""
    office = request.user.office
    communes = scope_for(request.user).communes
    if office is None or communes is None:
        raise PermissionDenied(_("Your account is not attached to an office."))
    can_edit = request.user.is_superuser or request.user.role == Role.OFFICE_MANAGER
    form = HamletForm(request.POST or None)
    form.fields["commune"].queryset = Commune.objects.filter(code__in=communes)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.save()
            except IntegrityError:
                form.add_error("name", _("This hamlet already exists in the commune."))
            else:
                messages.success(request, _("Hamlet added."))
                return redirect("office_detail")
    context = {
        "office": office,
        "names": office.names.order_by("valid_from"),
        "areas": office_areas(office),
        "communes": queries.communes_with_counts(request.user, communes),
        "hamlets": hamlets_of(communes),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "targets/office_detail.html", context)
