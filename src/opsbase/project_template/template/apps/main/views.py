"""The home page: a welcome page for visitors, the OpsBase dashboard for members."""

from django.shortcuts import render

from opsbase.web.views import home as dashboard


def home(request):
    """`/`: members of an organization see their dashboard, everyone else the welcome page."""
    if getattr(request, "membership", None) is not None:
        return dashboard(request)
    return render(request, "main/home.html")
