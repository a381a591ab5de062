from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from ansinh.web.queries import home_figures


@login_required
def home(request):
    return render(request, "web/home.html", {"figures": home_figures(request.user, date.today())})


def not_found(request, exception=None):
    """A URL that matches no pattern: under /api/ a JSON answer (as the API's own 404s and its
    schema say), elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
