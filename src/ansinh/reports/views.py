import json
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ansinh.common.params import date_param, int_param, year_param
from ansinh.targets.queries import office_for, visible_offices

from . import exports
from .period import headline
from .queries import leaderboard, office_figures, quarter_of


def _office(request):
    office = office_for(request.user, request.GET.get("office"))
    if office is None:
        raise Http404(_("No office in your area."))
    return office


def _date(request, name, default):
    return date_param(request.GET, name, default)


def _figures(request, series=True):
    office = _office(request)
    on = _date(request, "on", date.today())
    baseline = _date(request, "baseline", None)
    return office_figures(request.user, office, on, baseline, series=series)


@login_required
def dashboard(request):
    f = _figures(request)
    chart = {
        "communes": [c.name for c in f.communes],
        "vsi": [c.vsi for c in f.communes],
        "vsi_target": [c.vsi_target or 0 for c in f.communes],
        "months": [p.strftime("%m/%Y") for p, _v, _h in f.series],
        "series_vsi": [v for _p, v, _h in f.series],
        "series_hi": [h for _p, _v, h in f.series],
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "f": f,
            "offices": visible_offices(request.user),
            "chart": json.dumps(chart),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def dashboard_export(request):
    f = _figures(request, series=False)
    return exports.response(exports.dashboard_xlsx(f), f"ket-qua-{f.on:%Y%m%d}.xlsx")


@login_required
def period_report(request):
    f = _figures(request, series=False)
    context = {"f": f, "lines": headline(f), "printed_on": date.today()}
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        html = render_to_string("reports/period_print.html", context)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{f.on:%Y%m}.pdf"'
        return response
    return render(request, "reports/period_print.html", context)


@login_required
def leaderboard_view(request):
    office = _office(request)
    year, quarter = quarter_of(date.today())
    year = year_param(request.GET, "year", year)
    quarter = min(4, max(1, int_param(request.GET, "quarter", quarter)))
    leaders = leaderboard(request.user, office, year, quarter)
    if request.GET.get("format") == "xlsx":
        return exports.leaderboard_xlsx(office, year, quarter, leaders)
    return render(
        request,
        "reports/leaderboard.html",
        {
            "office": office,
            "year": year,
            "quarter": quarter,
            "leaders": leaders,
            "quarters": [1, 2, 3, 4],
        },
    )
