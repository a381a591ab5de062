from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ansinh.accounts.scope import scope_for
from ansinh.common.forms import add_errors

from . import services
from .forms import CompulsoryPeriodForm, PersonForm, SupportGroupForm
from .models import Household, Person
from .queries import search_persons


def _scoped_person(request, pk):
    return get_object_or_404(
        Person.objects.restrict(request.user).select_related(
            "commune__province", "hamlet", "household", "collector__organisation"
        ),
        pk=pk,
    )


@login_required
def person_search(request):
    text = request.GET.get("q", "")
    results = search_persons(request.user, text)
    template = "registry/_results.html" if request.htmx else "registry/search.html"
    return render(request, template, {"q": text, "results": results})


@login_required
def person_create(request):
    if not request.user.edits_registry:
        raise PermissionDenied
    communes = scope_for(request.user).communes
    form = PersonForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(
                request.user,
                form.save(commit=False),
                support_group=form.cleaned_data["support_group"],
                household_choice=form.cleaned_data["household_choice"],
                household_id=form.cleaned_data.get("household_id"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            dup = person.likely_duplicates().count()
            if dup:
                messages.warning(
                    request,
                    _("Possible duplicate: %(n)s other person(s) share this CCCD or code.")
                    % {"n": dup},
                )
            messages.success(request, _("%(name)s is registered.") % {"name": person.full_name})
            return redirect("person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form})


@login_required
def person_edit(request, pk):
    person = _scoped_person(request, pk)
    if not request.user.edits_registry:
        raise PermissionDenied
    form = PersonForm(
        request.POST or None, instance=person, communes=scope_for(request.user).communes
    )
    if request.method == "POST" and form.is_valid():
        services.update_person(request.user, form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@login_required
def compulsory_add(request, pk):
    person = _scoped_person(request, pk)
    if not request.user.edits_registry:
        raise PermissionDenied
    form = CompulsoryPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_compulsory_period(request.user, person, form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Compulsory period added."))
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "registry/simple_form.html",
        {"form": form, "person": person, "title": _("Earlier compulsory insurance")},
    )


@login_required
def support_add(request, pk):
    person = _scoped_person(request, pk)
    if not request.user.edits_registry:
        raise PermissionDenied
    form = SupportGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_support_group(request.user, person, **form.cleaned_data)
        messages.success(request, _("Support group recorded."))
        return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "registry/simple_form.html",
        {"form": form, "person": person, "title": _("Support group")},
    )


@login_required
def household_detail(request, pk):
    household = get_object_or_404(Household.objects.restrict(request.user), pk=pk)
    members = household.members.order_by("household_order").prefetch_related("hi_enrolments")
    return render(
        request, "registry/household_detail.html", {"household": household, "members": members}
    )
