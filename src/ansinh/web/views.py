from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ansinh.web.queries import home_figures


@login_required
def home(request):
    return render(request, "web/home.html", {"figures": home_figures(request.user, date.today())})
