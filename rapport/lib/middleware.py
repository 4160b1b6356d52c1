"""Middleware of Rapport's own."""

import logging

from django.db import IntegrityError
from django.shortcuts import render

logger = logging.getLogger(__name__)


class ConflictMiddleware:
    """A write the database refused as a duplicate, where no service turned it into the form's
    error, answers 409 with a page saying what happened, not a 500. Services word the common
    cases themselves (rapport.lib.validation.unique_write); this is the net under the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        logger.warning(
            "Write refused by the database on %s %s: %s", request.method, request.path, exception
        )
        return render(request, "409.html", status=409)
