import hashlib
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from ansinh.common import offline
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


#: The static files the field pages need, kept by the service worker when it installs (the
#: visit log, the collector's phone list and the offline page): a page opened without signal
#: must find its styles and scripts on the phone.
FIELD_STATIC = [
    "vendor/pico.min.css",
    "vendor/htmx.min.js",
    "ansinh/ansinh.css",
    "ansinh/ansinh.js",
    "ansinh/offline.js",
    "campaigns/visit-log.js",
    "collection/collection.css",
]


@lru_cache(maxsize=1)
def _worker_version() -> str:
    """A digest of the precached files and the worker's own source: a change to either makes a
    new worker, which fetches the files again and drops the old copies."""
    digest = hashlib.sha256()
    sources = [finders.find(name) for name in FIELD_STATIC]
    sources.append(str(Path(__file__).parent / "templates" / "web" / "sw.js"))
    for source in sources:
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:12]


def service_worker(request):
    """The service worker, served from the root so that its scope covers every page."""
    config = {
        "version": _worker_version(),
        "precache": [static(name) for name in FIELD_STATIC] + [reverse("offline")],
        "static": static(""),
        "offline": reverse("offline"),
        "logout": reverse("logout"),
        "header": offline.HEADER,
    }
    # JSON in a JavaScript file: "<" escaped as in json_script, so no value can end a script
    text = json.dumps(config).replace("<", "\\u003c")
    body = render_to_string("web/sw.js", {"config": mark_safe(text)})  # noqa: S308
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def offline_fallback(request):
    """What the phone shows for a page it never saved, when there is no signal: the pages it
    did save (listed by ansinh/offline.js from the worker). No user's data is in it."""
    return render(request, "web/offline.html")


@login_required
def csrf_token(request):
    """A fresh CSRF token for a page shown from the phone's copy, whose own token may be old
    (the user logged in again since): the visit log sends its queue with it."""
    response = JsonResponse({"token": get_token(request)})
    response["Cache-Control"] = "no-store"
    return response
