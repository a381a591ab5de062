import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ansinh.common.offline import offline_page
from ansinh.common.text import fold
from ansinh.enrolment.models import PaymentMethod
from ansinh.registry.models import Person
from ansinh.targets.queries import office_communes, office_for

from . import exports, queries, services
from .choices import Outcome, RefusalReason
from .forms import ActivityForm, CampaignForm, GroupForm, LaunchDayForm, LessonsForm
from .models import Campaign, CommunicationActivity, Group, LaunchDay, Visit


def _office(request):
    office = office_for(request.user, request.GET.get("office"))
    if office is None:
        raise Http404(_("No office in your area."))
    return office


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _form_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        for m in _messages(exc):
            form.add_error(None, m)


@login_required
def ranking(request):
    office = _office(request)
    communes = queries.commune_ranking(request.user, office)
    chosen = request.GET.get("commune") or ""
    if chosen not in {c.code for c in communes}:
        chosen = ""
    hamlets = queries.hamlet_ranking(request.user, office, commune=chosen or None)
    return render(
        request,
        "campaigns/ranking.html",
        {
            "office": office,
            "communes": communes,
            "chosen": chosen,
            "hamlets": hamlets if chosen else hamlets[:30],
            "hamlet_count": len(hamlets),
            "can_organise": services.can_organise(request.user),
        },
    )


@login_required
def campaign_list(request):
    office = _office(request)
    campaigns = list(queries.office_campaigns(request.user, office).prefetch_related("communes"))
    by = queries.campaign_totals_by(request.user, campaigns)
    return render(
        request,
        "campaigns/list.html",
        {
            "office": office,
            "rows": [(c, by[c.pk]) for c in campaigns],
            "totals": queries.campaign_totals(request.user, campaigns),
            "can_organise": services.can_organise(request.user),
        },
    )


@login_required
def campaign_create(request):
    office = _office(request)
    communes = office_communes(office)
    initial = {"communes": request.GET.getlist("commune"), "start": date.today()}
    form = CampaignForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            campaign = services.create_campaign(
                request.user, office, c["name"], c["start"], c["end"], c["communes"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "office": office})


def _campaign(request, pk):
    return get_object_or_404(Campaign.objects.restrict(request.user), pk=pk)


@login_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    groups = (
        Group.objects.restrict(request.user)
        .filter(campaign=campaign)
        .select_related("commune")
        .prefetch_related("members__mobiliser", "days__hamlet")
    )
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "groups": groups,
            "totals": queries.campaign_totals(request.user, [campaign]),
            "day_forms": {g.pk: LaunchDayForm(group=g, prefix=f"g{g.pk}") for g in groups},
            "can_organise": services.can_organise(request.user),
        },
    )


@login_required
def group_create(request, pk):
    campaign = _campaign(request, pk)
    form = GroupForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_group(
                request.user,
                campaign,
                form.cleaned_data["commune"],
                form.cleaned_data["name"],
                form.members(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Group created."))
            return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/group_form.html", {"form": form, "campaign": campaign})


@login_required
def day_create(request, pk):
    group = get_object_or_404(
        Group.objects.restrict(request.user).select_related("campaign"), pk=pk
    )
    form = LaunchDayForm(request.POST or None, group=group, prefix=f"g{group.pk}")
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            day = services.add_launch_day(
                request.user,
                group,
                c["date"],
                c["place"],
                c["target_vsi"],
                c["target_hi"],
                c["hamlet"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Launch day planned."))
            return redirect("day_detail", pk=day.pk)
    return render(request, "campaigns/day_form.html", {"form": form, "group": group})


def _day(request, pk):
    return get_object_or_404(
        LaunchDay.objects.restrict(request.user).select_related(
            "group__campaign__office", "group__commune", "hamlet"
        ),
        pk=pk,
    )


@login_required
def day_detail(request, pk):
    day = _day(request, pk)
    form = LessonsForm(request.POST or None, initial={"lessons": day.lessons})
    if request.method == "POST" and form.is_valid():
        services.save_lessons(request.user, day, form.cleaned_data["lessons"])
        messages.success(request, _("Lessons saved."))
        return redirect("day_detail", pk=day.pk)
    results = queries.day_results(request.user, day)
    from ansinh.risk.queries import at_risk_in

    return render(
        request,
        "campaigns/day_detail.html",
        {
            "day": day,
            # Participants of the place most likely to stop paying: knock on their doors too.
            "at_risk": at_risk_in(request.user, day.group.commune_id, day.hamlet_id),
            "results": results,
            "form": form,
            "chat": exports.chat_text(results),
            "visits": Visit.objects.restrict(request.user)
            .filter(day=day)
            .select_related("member__mobiliser", "hamlet")[:200],
        },
    )


@login_required
def day_report(request, pk, fmt):
    day = _day(request, pk)
    results = queries.day_results(request.user, day)
    name = f"bao-cao-ra-quan-{day.date:%Y%m%d}-{day.pk}"
    if fmt == "docx":
        response = HttpResponse(
            exports.day_report_docx(results),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(
            exports.day_report_pdf(results, request), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if fmt == "txt":
        return HttpResponse(exports.chat_text(results), content_type="text/plain; charset=utf-8")
    raise Http404


@login_required
@offline_page
def visit_log(request, pk):
    """The phone page for group members: works offline, sends when the signal returns."""
    day = _day(request, pk)
    members = day.group.members.select_related("mobiliser")
    sent = (
        Visit.objects.restrict(request.user)
        .filter(day=day)
        .select_related("member__mobiliser")[:30]
    )
    return render(
        request,
        "campaigns/visit_log.html",
        {
            "day": day,
            "members": members,
            "sent": sent,
            "outcomes": Outcome.choices,
            "reasons": RefusalReason.choices,
            "methods": [c for c in PaymentMethod.choices if c[0] in ("1", "3", "6", "12")],
            "hamlets": day.group.commune.hamlets.all(),
            "texts": {
                "online": _("Online"),
                "offline": _("Offline: visits are kept on this phone"),
                "queued": _("Kept on the phone; it will be sent when the signal returns."),
                "login": _("Log in again to send the waiting visits."),
                "quoteOffline": _("The quote needs the signal."),
                "findOffline": _("No signal: searching the day's list kept on this phone."),
                "dismiss": _("Seen"),
            },
        },
    )


@login_required
def people_pick(request, pk):
    """HTMX/JSON: registered people of the group's commune matching a name or phone."""
    day = _day(request, pk)
    text = fold(request.GET.get("q", ""))
    qs = Person.objects.restrict(request.user).filter(commune=day.group.commune)
    if len(text) < 2:
        return JsonResponse({"people": []})
    if text.isdigit():
        qs = qs.filter(phone__startswith=text) | qs.filter(cccd__startswith=text)
    else:
        for word in text.split():
            qs = qs.filter(name_folded__contains=word)
    people = [
        {
            "id": p.pk,
            "name": p.full_name,
            "born": p.birth_date.year,
            "hamlet": p.hamlet.name if p.hamlet else "",
            "quote": reverse("vsi_quote_live", args=[p.pk]),
        }
        for p in qs.select_related("hamlet")[:10]
    ]
    return JsonResponse({"people": people})


#: At most this many people in the day's list kept on the phone (a hamlet holds a few hundred).
DAY_LIST_LIMIT = 3000


@login_required
@offline_page
def people_day(request, pk):
    """JSON: the people the phone keeps for the day, to find a person without signal (and so
    enrol them on the spot): the day's hamlet, or the commune when the day names none. Name,
    birth year and hamlet only: no phone, CCCD or address travels on the phone."""
    day = _day(request, pk)
    qs = Person.objects.restrict(request.user).filter(commune=day.group.commune)
    if day.hamlet_id:
        qs = qs.filter(hamlet_id=day.hamlet_id)
    people = [
        {
            "id": p.pk,
            "name": p.full_name,
            "folded": p.name_folded,
            "born": p.birth_date.year,
            "hamlet": p.hamlet.name if p.hamlet else "",
            "quote": reverse("vsi_quote_live", args=[p.pk]),
        }
        for p in qs.select_related("hamlet").order_by("name_folded", "pk")[:DAY_LIST_LIMIT]
    ]
    return JsonResponse({"people": people, "complete": len(people) < DAY_LIST_LIMIT})


@login_required
@require_POST
def visit_sync(request):
    """JSON from the phone's queue: created (201), merged (200) or refused (400/403)."""
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"status": "refused", "errors": [_("Unreadable data.")]}, status=400)
    try:
        visit, created = services.log_visit(request.user, data)
    except ValidationError as exc:
        return JsonResponse({"status": "refused", "errors": _messages(exc)}, status=400)
    except PermissionDenied as exc:
        return JsonResponse({"status": "refused", "errors": [str(exc)]}, status=403)
    body = {
        "status": "created" if created else "merged",
        "uuid": str(visit.uuid),
        "id": visit.pk,
        "message": _("Visit saved.")
        if created
        else _("This visit had already arrived; it was merged, not added twice."),
        "enrolled": bool(visit.new_vsi or visit.new_hi),
    }
    return JsonResponse(body, status=201 if created else 200)


@login_required
def activity_list(request):
    office = _office(request)
    campaigns = Campaign.objects.restrict(request.user).filter(office=office)
    form = ActivityForm(request.POST or None, communes=office_communes(office), campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(request.user, office, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Activity recorded."))
            return redirect(f"{reverse('activity_list')}?office={office.pk}")
    activities = (
        CommunicationActivity.objects.restrict(request.user)
        .filter(office=office)
        .select_related("commune", "campaign")
    )
    if request.GET.get("format") == "xlsx":
        return exports.activities_xlsx(office, activities)
    return render(
        request,
        "campaigns/activities.html",
        {
            "office": office,
            "form": form,
            "activities": activities[:300],
            "can_organise": services.can_organise(request.user),
        },
    )
