"""A 403 is an expected answer, not a crash: it is logged as one line, without a traceback."""

import logging
import sys

import pytest

from rapport.lib.log_filters import ForbiddenWithoutTraceback

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_logged_as_one_line_without_a_traceback(world, client_for, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(world.contributor).get("/o/acme/p/ALPHA/raci/import/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == [
        "Forbidden (Permission denied): /o/acme/p/ALPHA/raci/import/"
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_still_logs_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), exc_info
    )
    record.status_code = 500
    assert ForbiddenWithoutTraceback().filter(record)
    assert record.exc_info is exc_info
