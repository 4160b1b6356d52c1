"""Logging filters named in settings.LOGGING."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is an expected answer (a viewer tried to edit), not a crash: log the one line
    "Forbidden (Permission denied): /path" without the traceback Django attaches to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
