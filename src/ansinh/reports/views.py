from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ansinh.common.params import QueryParams
from ansinh.targets.queries import office_for, visible_offices

from . import exports
from .figures import last_day
from .period import headline
from .queries import leaderboard, office_figures, quarter_of


def _office(request):
    office = office_for(request.user, request.GET.get("office"))
    if office is None:
        raise Http404(_("No office in your area."))
    return office


def _figures(request, series=True):
    """The office's figures as of ?on= (a day) or the end of ?month= (the period report's
    month), against ?baseline=; with the parameters read (their errors shown on the form)."""
    office = _office(request)
    params = QueryParams(request.GET)
    today = date.today()
    month = params.month("month", None)
    if month is not None and month > today:
        params.errors["month"] = _(
            "%(m)s has not begun yet: choose this month or an earlier one."
        ) % {"m": f"{month:%m/%Y}"}
        month = None
    if "month" in params.errors:
        params.errors["month"] += " " + _("Showing %(d)s instead.") % {"d": f"{today:%d/%m/%Y}"}
    default_on = today if month is None else min(today, last_day(month))
    on = params.date("on", default_on)
    baseline = params.date("baseline", None)
    return office_figures(request.user, office, on, baseline, series=series), params


def _page_instead(request, name):
    """A file asked for with a bad parameter: the page, whose form names it (a file cannot)."""
    query = request.GET.copy()
    query.pop("format", None)
    return redirect(f"{reverse(name)}?{query.urlencode()}")


@login_required
def dashboard(request):
    f, params = _figures(request)
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
            "chart": chart,
            "query": request.GET.urlencode(),
            "params": params,
        },
    )


@login_required
def dashboard_export(request):
    f, params = _figures(request, series=False)
    if params.errors:  # a file cannot show the message: the dashboard's form does
        return _page_instead(request, "dashboard")
    return exports.response(exports.dashboard_xlsx(f), f"ket-qua-{f.on:%Y%m%d}.xlsx")


@login_required
def period_report(request):
    f, params = _figures(request, series=False)
    context = {"f": f, "lines": headline(f), "printed_on": date.today(), "params": params}
    if params.errors and request.GET.get("format") == "pdf":  # the page shows the message
        return _page_instead(request, "period_report")
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
    params = QueryParams(request.GET)
    year = params.year("year", year)
    quarter = params.int("quarter", quarter, lo=1, hi=4)
    if params.errors and request.GET.get("format") == "xlsx":  # the page shows the message
        return _page_instead(request, "leaderboard")
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
            "params": params,
        },
    )
