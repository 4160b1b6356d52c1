"""A signed-in session ends after 8 hours without activity (SESSION_IDLE_TIMEOUT_MINUTES) and,
however busy, SESSION_ABSOLUTE_TIMEOUT_HOURS after sign-in; the sign-in page says why."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seen_once_a_minute(settings):
    """As in production (the suite's default is once a day, see tests/conftest.py)."""
    settings.SESSION_LAST_SEEN_RESOLUTION_SECONDS = 60


MONDAY_9 = datetime(2026, 11, 30, 9, tzinfo=UTC)
PAGE = "/o/acme/p/ALPHA/raci/"


def _signed_in(response) -> bool:
    return response.status_code == 200


def test_a_session_idle_for_less_than_eight_hours_stays_signed_in(world, client_for):
    with time_machine.travel(MONDAY_9, tick=False) as clock:
        client = client_for(world.manager)
        assert _signed_in(client.get(PAGE))
        clock.shift(timedelta(hours=7, minutes=59))
        assert _signed_in(client.get(PAGE))


def test_a_session_idle_for_more_than_eight_hours_is_signed_out_with_the_reason(world, client_for):
    with time_machine.travel(MONDAY_9, tick=False) as clock:
        client = client_for(world.manager)
        assert _signed_in(client.get(PAGE))
        clock.shift(timedelta(hours=8, minutes=1))
        response = client.get(PAGE, follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/")
        assert "signed out after 8 hours without activity" in response.content.decode()
        # Signed out for good: the next request does not sign back in.
        assert client.get(PAGE).status_code == 302


def test_a_busy_session_still_ends_at_the_absolute_limit(world, client_for):
    with time_machine.travel(MONDAY_9, tick=False) as clock:
        client = client_for(world.manager)
        for _ in range(11):  # a request every two hours: never idle
            clock.shift(timedelta(hours=2))
            assert _signed_in(client.get(PAGE))
        clock.shift(timedelta(hours=2, minutes=1))  # 24 h 1 min after sign-in
        response = client.get(PAGE, follow=True)
        assert "sessions end 24 hours after sign-in" in response.content.decode()


def test_both_limits_are_settings(world, client_for, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 15 * 60
    with time_machine.travel(MONDAY_9, tick=False) as clock:
        client = client_for(world.manager)
        clock.shift(timedelta(minutes=16))
        response = client.get(PAGE, follow=True)
        assert "signed out after 15 minutes without activity" in response.content.decode()
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8 * 3600
    settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS = 3600
    with time_machine.travel(MONDAY_9, tick=False) as clock:
        client = client_for(world.manager)
        clock.shift(timedelta(minutes=59))
        assert _signed_in(client.get(PAGE))
        clock.shift(timedelta(minutes=2))
        assert client.get(PAGE).status_code == 302


def test_the_api_answers_401_to_an_expired_session(world, client_for):
    with time_machine.travel(MONDAY_9, tick=False) as clock:
        client = client_for(world.manager)
        assert client.get(f"/api/v1/projects/{world.alpha.pk}").status_code == 200
        clock.shift(timedelta(hours=9))
        assert client.get(f"/api/v1/projects/{world.alpha.pk}").status_code == 401
