"""Rapport's URLs plus /bench-floor/: a Django view that returns constant JSON, through the same
middleware as every page (sessions, CSP, security headers...), with no query of its own; and
/bench-fresh/<org>/<code>/: the project overview as on the first view after a change, its health
computed afresh (the worker's kept healths forgotten first)."""

from django.http import JsonResponse
from django.urls import path

from rapport.projects.views import project_home
from rapport.status import health_kept
from rapport.urls import urlpatterns as rapport_urlpatterns


def floor(request):
    return JsonResponse({"ok": True})


def overview_fresh(request, org, code):
    health_kept.forget_all()
    return project_home(request, org=org, code=code)


urlpatterns = [
    path("bench-floor/", floor),
    path("bench-fresh/<slug:org>/<str:code>/", overview_fresh),
    *rapport_urlpatterns,
]
