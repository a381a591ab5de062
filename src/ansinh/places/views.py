from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ansinh.accounts.models import Role
from ansinh.accounts.scope import scope_for

from .models import Commune, Hamlet
from .queries import communes_with_counts, hamlets_of, office_areas


class HamletForm(forms.ModelForm):
    class Meta:
        model = Hamlet
        fields = ["commune", "name", "population", "working_age_population"]
        labels = {"commune": gettext_lazy("Commune"), "name": gettext_lazy("Hamlet name")}


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
        "communes": communes_with_counts(request.user, communes),
        "hamlets": hamlets_of(communes),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "places/office_detail.html", context)
