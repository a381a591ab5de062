from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from ansinh.common import qr

from . import services
from .models import Outcome


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@never_cache
@csrf_protect
def lookup(request):
    """Public (no account): a participant enters their code and date of birth."""
    answer = None
    code = request.GET.get("ma", "")[:20]
    born = ""
    if request.method == "POST":
        code = request.POST.get("code", "")[:20]
        born = request.POST.get("born", "")[:20]
        answer = services.look_up(_client_ip(request), code, born)
    response = render(
        request,
        "lookup/lookup.html",
        {
            "answer": answer,
            "code": code,
            # the birth date is kept in the form only when the input was unreadable
            "born": born if answer and answer.outcome == Outcome.INVALID else "",
            "Outcome": Outcome,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"  # no-referrer would send Origin: null
    return response


@login_required
def lookup_qr(request, si_code: str):
    """The QR code opening the look-up prefilled with a social-insurance code (SVG), for the
    collector's phone list: the participant scans it from the collector's screen."""
    code = services.read_code(si_code) or ""
    url = qr.lookup_url(request.build_absolute_uri("/"), code if len(code) == 10 else "")
    response = HttpResponse(qr.svg(url, scale=4), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=86400"
    return response
