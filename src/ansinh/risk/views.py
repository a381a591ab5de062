"""The lapse-risk page: each office's latest model, its measured quality and its weights."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from ansinh.collection.services import is_office_staff

from .queries import latest_models
from .reasons import LABELS


@login_required
def models_page(request):
    if not is_office_staff(request.user):
        raise PermissionDenied
    models_ = latest_models(request.user)
    for m in models_:
        due, unpaid = m.coefficients.get("due", []), m.coefficients.get("unpaid", [])
        m.weights = sorted(
            (
                (LABELS.get(name, name), due[i] if due else None, unpaid[i] if unpaid else None)
                for i, name in enumerate(m.features)
            ),
            key=lambda w: -max(abs(w[1] or 0), abs(w[2] or 0)),
        )
    return render(request, "risk/models.html", {"models": models_})
