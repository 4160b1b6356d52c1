"""Rapport's URLs plus /bench-floor/: a Django view that returns constant JSON, through the same
middleware as every page (sessions, CSP, security headers...), with no query of its own."""

from django.http import JsonResponse
from django.urls import path

from rapport.urls import urlpatterns as rapport_urlpatterns


def floor(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench-floor/", floor), *rapport_urlpatterns]
