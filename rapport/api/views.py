import logging

from django.http import JsonResponse
from django.views.defaults import server_error as html_server_error

from rapport.accounts.access import public_view

logger = logging.getLogger(__name__)


@public_view
def api_not_found(request, rest=None):
    return JsonResponse(
        {"message": f"No API operation at {request.path}. See /api/v1/docs."}, status=404
    )


def server_error(request, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Internal error; it has been logged."}, status=500)
    return html_server_error(request, *args, **kwargs)
