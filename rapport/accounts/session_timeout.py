"""Signed-in sessions end after a spell without activity and, at the latest, a while after
sign-in, whatever happens in between (SESSION_IDLE_TIMEOUT_MINUTES, SESSION_ABSOLUTE_TIMEOUT_HOURS).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SIGNED_IN_AT = "rapport_signed_in_at"
LAST_SEEN = "rapport_last_seen"


@receiver(user_logged_in)
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def session_expiry_reason(session, now: float) -> str | None:
    """Why this session has ended, in words for the sign-in page, or None if it is still good."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
        idle = _duration(settings.SESSION_IDLE_TIMEOUT_SECONDS)
        return f"You were signed out after {idle} without activity. Please sign in again."
    if signed_in_at is not None and now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
        limit = _duration(settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS)
        return f"For safety, sessions end {limit} after sign-in. Please sign in again."
    return None


def _duration(seconds: int) -> str:
    """8 hours, 1 hour, 90 minutes: the words for a limit that is set in minutes or hours."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: signs out an expired session before the view runs, so
    the view sees an anonymous visitor (pages redirect to sign-in, the API answers 401)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = int(time.time())
        reason = session_expiry_reason(session, now)
        if reason:
            logout(request)
            if not request.path.startswith("/api/"):
                messages.info(request, reason)
            return
        # Sessions from before this middleware, or made without a sign-in signal, start now.
        session.setdefault(SIGNED_IN_AT, now)
        # Not on every request: that would make each page view a database write.
        if now - session.get(LAST_SEEN, 0) >= settings.SESSION_LAST_SEEN_RESOLUTION_SECONDS:
            session[LAST_SEEN] = now
