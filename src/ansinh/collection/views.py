"""Pages of the collection app; thin: reading in queries.py, writing in services.py."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.accounts.models import Role
from ansinh.common import qr
from ansinh.common.offline import offline_page
from ansinh.common.params import int_param
from ansinh.registry.models import Person
from ansinh.rules.months import Month

from . import exports, imports, queries, services
from .choices import ListKind, ReasonCode, VisitStatus
from .cycle import issue_cycle, reasons_due
from .forms import (
    AreaForm,
    CollectorForm,
    ImportForm,
    IssueForm,
    OrganisationForm,
    PointForm,
    ReasonForm,
    ReassignForm,
    VisitAssignForm,
    VisitOutcomeForm,
)
from .models import Collector, CycleEntry, FollowUpVisit, Notice, Organisation, ReceiptImport


def _office_only(request):
    if not services.is_office_staff(request.user):
        raise PermissionDenied


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(m for ms in exc.message_dict.values() for m in ms)
    return " ".join(exc.messages)


def _next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _run(request, pk):
    return get_object_or_404(queries.runs_for(request.user), pk=pk)


@login_required
def home(request):
    user = request.user
    if not services.is_office_staff(user):
        return redirect("collection_my_list")
    orgs = (
        Organisation.objects.restrict(user)
        .select_related("office")
        .annotate(
            n_collectors=Count("collectors", distinct=True), n_points=Count("points", distinct=True)
        )
    )
    runs = queries.runs_for(user)[:12]
    latest = runs[0] if runs else None
    return render(
        request,
        "collection/home.html",
        {
            "organisations": orgs,
            "runs": runs,
            "latest": latest,
            "completeness": queries.reason_completeness(latest, user) if latest else [],
            "issue_form": IssueForm(),
            "notices": Notice.objects.filter(user=user, read_at__isnull=True)[:5],
        },
    )


@login_required
def organisation_new(request):
    _office_only(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = form.save(commit=False)
        org.office = request.user.office
        if org.office is None:
            raise PermissionDenied(_("Your account has no office."))
        services.audited_save(org, request.user)
        return redirect("collection_organisation", pk=org.pk)
    return render(request, "collection/form.html", {"form": form, "title": _("New organisation")})


@login_required
def organisation_detail(request, pk):
    org = get_object_or_404(
        Organisation.objects.restrict(request.user).select_related("office"), pk=pk
    )
    office_staff = services.is_office_staff(request.user)
    kw = {"office": org.office}
    forms = {
        "point": PointForm(prefix="point", **kw),
        "collector": CollectorForm(prefix="collector", organisation=org, **kw),
        "area": AreaForm(prefix="area", organisation=org, **kw),
    }
    if request.method == "POST":
        _office_only(request)
        what = request.POST.get("what")
        classes = {"point": PointForm, "collector": CollectorForm, "area": AreaForm}
        if what not in classes:
            raise Http404
        extra = {} if what == "point" else {"organisation": org}
        form = classes[what](request.POST, prefix=what, **kw, **extra)
        if form.is_valid():
            obj = form.save(commit=False)
            obj.organisation = org
            services.audited_save(obj, request.user)
            messages.success(request, _("Saved."))
            return redirect("collection_organisation", pk=org.pk)
        forms[what] = form
    collectors = org.collectors.annotate(n_persons=Count("persons")).select_related(
        "commune", "point"
    )
    return render(
        request,
        "collection/organisation.html",
        {
            "org": org,
            "forms": forms,
            "office_staff": office_staff,
            "collectors": collectors,
            "points": org.points.select_related("commune", "hamlet"),
            "areas": org.areas.select_related("commune", "hamlet", "collector"),
        },
    )


@login_required
def collector_reassign(request, pk):
    _office_only(request)
    collector = get_object_or_404(Collector.objects.restrict(request.user), pk=pk)
    office = collector.organisation.office
    form = ReassignForm(request.POST or None, collector=collector, office=office)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            n = services.reassign_persons(
                request.user,
                collector,
                c["to_collector"],
                c["hamlet"].pk if c["hamlet"] else None,
                c["deactivate"],
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request,
                _("%(n)s participants handed over to %(to)s.")
                % {"n": n, "to": c["to_collector"].full_name},
            )
            return redirect("collection_organisation", pk=collector.organisation_id)
    count = Person.objects.restrict(request.user).filter(collector=collector).count()
    return render(
        request,
        "collection/reassign.html",
        {"collector": collector, "form": form, "count": count},
    )


@login_required
@require_POST
def cycle_issue(request):
    _office_only(request)
    form = IssueForm(request.POST)
    office = request.user.office
    if office is None:
        raise PermissionDenied(_("Your account has no office."))
    try:
        month = Month.parse(form.data.get("month", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("collection_home")
    if month > Month.of(date.today()):
        messages.error(request, _("Lists cannot be issued for a future month."))
        return redirect("collection_home")
    result = issue_cycle(office, month, request.user)
    if result.created:
        messages.success(
            request,
            _("Lists issued: %(due)s due, %(unpaid)s unpaid.")
            % {"due": result.run.due_count, "unpaid": result.run.unpaid_count},
        )
    else:
        messages.info(request, _("The lists of this month were already issued; here they are."))
    return redirect("collection_cycle", pk=result.run.pk)


@login_required
def cycle_detail(request, pk):
    run = _run(request, pk)
    lists = list(queries.lists_for(request.user, run))
    orgs = {}
    for li in lists:
        key = li.organisation_id
        group = orgs.setdefault(
            key, {"organisation": li.organisation, "due": None, "unpaid": None, "collectors": {}}
        )
        if li.collector_id is None:
            group[li.kind] = li
        else:
            group["collectors"].setdefault(li.collector_id, {"collector": li.collector})[
                li.kind
            ] = li
    groups = list(orgs.values())
    for g in groups:
        g["collectors"] = sorted(g["collectors"].values(), key=lambda c: c["collector"].full_name)
        g["chat"] = (
            queries.chat_message(run, request.user, g["organisation"]) if g["organisation"] else ""
        )
    return render(
        request,
        "collection/cycle.html",
        {
            "run": run,
            "groups": groups,
            "completeness": queries.reason_completeness(run, request.user),
            "mix": queries.reason_mix(run, request.user),
            "reasons_due": reasons_due(Month.of(run.month)),
            "office_staff": services.is_office_staff(request.user),
            "list_period": _month_period(run.month),
        },
    )


def _month_period(month) -> str:
    """The query string of a month's receipts for the official lists (D05-TS, D03-TS)."""
    from ansinh.enrolment.official_lists import month_bounds

    first, last = month_bounds(month)
    return f"start={first.isoformat()}&end={last.isoformat()}"


@login_required
def cycle_download(request, pk, kind):
    run = _run(request, pk)
    if kind not in ListKind.values:
        raise Http404
    org = collector = None
    qs = queries.entries(request.user, run, kind)
    organisations = Organisation.objects.restrict(request.user).select_related("office")
    if request.GET.get("collector"):
        collector = get_object_or_404(
            queries.collectors_for(request.user), pk=int_param(request.GET, "collector", 0)
        )
        org = collector.organisation
        qs = qs.filter(collector=collector)
    elif request.GET.get("organisation"):
        org = get_object_or_404(organisations, pk=int_param(request.GET, "organisation", 0))
        qs = qs.filter(organisation=org)
    data = exports.list_workbook(
        run,
        kind,
        qs.order_by("collector_id", "commune_name", "hamlet_name", "full_name"),
        org,
        collector,
        lookup_url=qr.lookup_url(request.build_absolute_uri("/")),
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(run, kind, org, collector)}"'
    )
    return response


def _sort(request) -> str:
    sort = request.GET.get("sort", "name")
    return sort if sort in queries.LIST_SORTS else "name"


@login_required
def cycle_unpaid(request, pk):
    """The unpaid list with each person's reason (organisations) and visit (office)."""
    return _cycle_list(request, pk, ListKind.UNPAID)


@login_required
def cycle_due(request, pk):
    """The due list (who pays next month), with each person's lapse risk when scored."""
    return _cycle_list(request, pk, ListKind.DUE)


def _cycle_list(request, pk, kind):
    run = _run(request, pk)
    qs = queries.entries(request.user, run, kind)
    if request.GET.get("organisation"):
        org = get_object_or_404(
            Organisation.objects.restrict(request.user),
            pk=int_param(request.GET, "organisation", 0),
        )
        qs = qs.filter(organisation=org)
    if kind == ListKind.UNPAID and request.GET.get("missing"):
        qs = qs.filter(reason__isnull=True)
    office_staff = services.is_office_staff(request.user)
    sort = _sort(request)
    entries = list(queries.sort_entries(qs, sort)[:1000])
    visits = {
        v.entry_id: v
        for v in FollowUpVisit.objects.filter(entry__in=entries)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("official")
    }
    for e in entries:
        e.visit = visits.get(e.pk)
    unpaid = kind == ListKind.UNPAID
    return render(
        request,
        "collection/unpaid.html",
        {
            "run": run,
            "kind": kind,
            "entries": entries,
            "sort": sort,
            "scored": any(e.risk is not None for e in entries),
            "office_staff": office_staff,
            "reason_codes": ReasonCode.choices,
            "assign_form": VisitAssignForm(office=run.office) if office_staff and unpaid else None,
            "reasons_due": reasons_due(Month.of(run.month)),
        },
    )


@login_required
@require_POST
def entry_reason(request, pk):
    entry = get_object_or_404(CycleEntry.objects.restrict(request.user), pk=pk)
    form = ReasonForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.save_reason(
                request.user, entry, form.cleaned_data["code"], form.cleaned_data["note"]
            )
        except ValidationError as exc:
            error = _errors(exc)
    else:
        error = _("Choose a reason.")
    entry = CycleEntry.objects.select_related("reason").get(pk=entry.pk)
    if request.htmx:
        return render(
            request,
            "collection/_reason.html",
            {"e": entry, "error": error, "reason_codes": ReasonCode.choices},
        )
    if error:
        messages.error(request, error)
    return redirect(_next(request, reverse("collection_my_list")))


@login_required
@require_POST
def entry_visit(request, pk):
    _office_only(request)
    entry = get_object_or_404(CycleEntry.objects.restrict(request.user), pk=pk)
    form = VisitAssignForm(request.POST, office=entry.run.office)
    if form.is_valid():
        try:
            services.assign_visit(
                request.user, entry, form.cleaned_data["official"], form.cleaned_data["due_on"]
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request,
                _("Visit to %(name)s assigned to %(who)s.")
                % {"name": entry.full_name, "who": form.cleaned_data["official"]},
            )
    else:
        messages.error(request, _("Choose an official and a date."))
    return redirect(_next(request, reverse("collection_unpaid", args=[entry.run_id])))


@login_required
@offline_page
def my_list(request):
    """The collector's (or organisation's) own lists, phone-sized."""
    user = request.user
    run = queries.latest_run(user)
    show = request.GET.get("show", "all")
    if show not in queries.MY_LIST_FILTERS:
        show = "all"
    q = (request.GET.get("q") or "").strip()[:60]
    sort = _sort(request)
    listing = queries.my_list(user, run, show, q, sort=sort) if run is not None else {}
    collector = user.collector if user.role == Role.COLLECTOR else None
    chat = ""
    if run is not None and (collector or user.organisation_id):
        chat = queries.chat_message(
            run,
            user,
            organisation=user.organisation if not collector else collector.organisation,
            collector=collector,
        )
    notices = Notice.objects.filter(user=user, read_at__isnull=True)[:5]
    return render(
        request,
        "collection/my_list.html",
        {
            "run": run,
            "groups": listing.get("groups", []),
            "counts": listing.get("counts", {}),
            "show": show,
            "q": q,
            "sort": sort,
            "scored": any(e.risk is not None for g in listing.get("groups", []) for e in g.entries),
            # A long list opens one hamlet at a time; a search or a filter opens them all.
            "expand": bool(q)
            or show != "all"
            or sort == "risk"
            or len(listing.get("groups", [])) <= 1,
            "filters": [
                ("all", _("All")),
                ("due", _("Due")),
                ("unpaid", _("Not paid")),
                ("done", _("Paid today")),
            ],
            "chat": chat,
            "notices": notices,
            "reason_codes": ReasonCode.choices,
            "reasons_due": reasons_due(Month.of(run.month)) if run else None,
        },
    )


@login_required
@offline_page
def my_visits(request):
    visits = list(queries.my_visits(request.user))
    if request.method == "POST":
        visit = get_object_or_404(
            FollowUpVisit, pk=int_param(request.POST, "visit", 0), official=request.user
        )
        form = VisitOutcomeForm(request.POST)
        if form.is_valid():
            try:
                services.record_visit(request.user, visit, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Visit recorded."))
        return redirect("collection_my_visits")
    return render(
        request,
        "collection/visits.html",
        {"visits": visits, "form": VisitOutcomeForm(), "today": date.today()},
    )


@login_required
def import_new(request):
    user = request.user
    if not user.records_receipts:
        raise PermissionDenied
    kind = request.GET.get("kind") or request.POST.get("kind") or "receipts"
    run = None
    if kind == "reasons":
        run = get_object_or_404(
            queries.runs_for(user),
            pk=int_param(request.GET, "run") or int_param(request.POST, "run", 0),
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.start_import(
            user, form.cleaned_data["file"], kind, form.cleaned_data["keep_valid"], run
        )
        return redirect("collection_import", pk=batch.pk)
    services.recover_stopped_imports(_imports(user))
    recent = _imports(user)[:10]
    return render(
        request,
        "collection/import_new.html",
        {
            "form": form,
            "kind": kind,
            "run": run,
            "recent": recent,
            "columns": imports.RECEIPT_COLUMNS if kind == "receipts" else imports.REASON_COLUMNS,
            "doc": imports.__doc__.split("\n\n")[1],
        },
    )


def _imports(user):
    return ReceiptImport.objects.restrict(user).select_related("organisation", "uploaded_by")


@login_required
def import_detail(request, pk):
    batch = get_object_or_404(_imports(request.user), pk=pk)
    if not batch.finished and services.recover_stopped_imports(
        _imports(request.user).filter(pk=pk)
    ):
        batch.refresh_from_db()
    template = "collection/_progress.html" if request.htmx else "collection/import.html"
    rows = batch.rows.all()
    if request.GET.get("all") != "1":
        rows = rows.exclude(status="accepted")
    return render(
        request,
        template,
        {"batch": batch, "rows": rows[:2000], "earlier": services.earlier_import(batch)},
    )


@login_required
def import_template(request, kind, fmt):
    if kind not in ("receipts", "reasons") or fmt not in ("csv", "xlsx"):
        raise Http404
    name = "mau-bien-lai" if kind == "receipts" else "mau-ly-do"
    if fmt == "csv":
        response = HttpResponse(
            ("\ufeff" + imports.template_csv(kind)).encode(), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            imports.template_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def measures(request):
    dimension = request.GET.get("by", "organisation")
    if dimension not in queries.DIMENSIONS:
        dimension = "organisation"
    last = Month.of(date.today())
    data = queries.measures(request.user, last, 12, dimension)
    chart = {
        "labels": [f"{m.month:02d}/{m.year}" for m in data["months"]],
        "rates": [r["rate"] for r in data["rows"]],
        "series": [{"label": d["name"], "data": d["cells"]} for d in data["dims"][:8]],
    }
    return render(
        request,
        "collection/measures.html",
        {**data, "chart": chart, "reason_labels": dict(ReasonCode.choices)},
    )


@login_required
@require_POST
def notice_read(request, pk):
    """Mark one of the user's own notices read; another user's is not found (404)."""
    notice = get_object_or_404(Notice.objects.filter(user=request.user), pk=pk)
    Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    return HttpResponse("")


@login_required
def official_list(request):
    """D05-TS / D03-TS (Decision 490/QĐ-BHXH 2023) for a period, as the office receives it:
    the page with its form; ?download=1 sends the Excel file. Scoped like every list."""
    from ansinh.common.excel import workbook_response
    from ansinh.enrolment.official_lists import month_bounds
    from ansinh.enrolment.official_lists import official_list as build

    from .forms import OfficialListForm

    first, last = month_bounds(date.today())
    data = request.GET if "start" in request.GET else None
    form = OfficialListForm(
        data,
        organisations=Organisation.objects.restrict(request.user),
        initial={"kind": request.GET.get("kind", "d05"), "start": first, "end": last},
    )
    if data is not None and form.is_valid() and request.GET.get("download"):
        c = form.cleaned_data
        wb, filename = build(request.user, c["kind"], c["start"], c["end"], c["organisation"])
        return workbook_response(wb, filename)
    return render(
        request,
        "collection/official_list.html",
        {"form": form, "query": request.GET.urlencode()},
        status=400 if data is not None and not form.is_valid() else 200,
    )
