"""Shared fixtures: the personas every test speaks of, a real SMTP server, a real browser."""

import os
import shutil
import socket
from dataclasses import dataclass
from email import message_from_bytes, policy

import pytest
from django.test import override_settings

from rapport.accounts import services as accounts
from rapport.accounts.models import OrgRole
from rapport.projects import services as projects
from rapport.projects.models import ProjectRole

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    """Two organisations. Acme has the project ALPHA; Globex is another company entirely."""

    acme: object
    globex: object
    alpha: object  # Acme's project
    omega: object  # Globex's project: nobody at Acme may see it
    owner: object  # owns Acme: every level on every Acme project
    manager: object  # manages ALPHA
    contributor: object  # adds content on ALPHA
    viewer: object  # reads ALPHA
    member: object  # in Acme, no role on ALPHA: an outsider to that project
    outsider: object  # owns Globex, nothing at Acme


@pytest.fixture(autouse=True)
def nothing_kept_from_another_test():
    """Each test's database starts again (and may reuse project ids and version numbers), so
    what a worker keeps while its version is unchanged (the RACI matrices of
    rapport/raci/matrix_cache.py, the healths of rapport/status/health_kept.py) must not
    outlive a test."""
    from rapport.raci import matrix_cache
    from rapport.status import health_kept

    matrix_cache.forget_all()
    health_kept.forget_all()
    yield
    matrix_cache.forget_all()
    health_kept.forget_all()


@pytest.fixture(autouse=True)
def sessions_seen_once_a_day():
    """A signed-in request refreshes its session's "last seen" (a write) once a minute; on a slow
    machine a test that grows thousands of rows crosses that minute, and its query counts would
    count the session write instead of the page. tests/accounts/test_session_timeout.py sets it
    back to a minute. (override_settings, not pytest-django's `settings` fixture: some tests take
    a parameter of their own called `settings`, which would hide that fixture.)"""
    with override_settings(SESSION_LAST_SEEN_RESOLUTION_SECONDS=24 * 3600):
        yield


def _user(email, name):
    return accounts.user_create(email=email, password=PASSWORD, full_name=name)


@pytest.fixture
def world(db) -> World:
    owner = _user("olga.owner@acme.example", "Olga Owner")
    manager = _user("max.manager@acme.example", "Max Manager")
    contributor = _user("carl.contrib@acme.example", "Carl Contributor")
    viewer = _user("vera.viewer@acme.example", "Vera Viewer")
    member = _user("mona.member@acme.example", "Mona Member")
    outsider = _user("otto.outsider@globex.example", "Otto Outsider")

    acme = accounts.org_create(actor=owner, slug="acme", name="Acme Corp")
    for person in (manager, contributor, viewer, member):
        accounts.org_member_add(actor=owner, org=acme, user=person, role=OrgRole.MEMBER)
    alpha = projects.project_create(
        actor=manager, org=acme, code="ALPHA", name="Alpha rollout", goals=["Happy customers"]
    )
    projects.project_member_set(
        actor=manager, project=alpha, user=contributor, role=ProjectRole.CONTRIBUTOR
    )
    projects.project_member_set(actor=manager, project=alpha, user=viewer, role=ProjectRole.VIEWER)

    globex = accounts.org_create(actor=outsider, slug="globex", name="Globex Secretive")
    omega = projects.project_create(
        actor=outsider,
        org=globex,
        code="OMEGA",
        name="Omega classified merger",
        description="GLOBEX-SECRET-DESCRIPTION",
    )
    return World(acme, globex, alpha, omega, owner, manager, contributor, viewer, member, outsider)


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client signed in as that user."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


# --- a real SMTP server on loopback (aiosmtpd) ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "message": message})
        return "250 OK"

    def bodies(self):
        return [m["message"].get_body(("plain",)).get_content() for m in self.messages]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; Django sends to it over SMTP. Yields the Mailbox."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    try:
        yield mailbox
    finally:
        controller.stop()


# --- a real browser: Debian's Chromium driven by Playwright ---------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (make test does it in CI)."
        )
    # Playwright runs an event loop in this thread; Django's ORM calls from the test are safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # Pages print dates in the browser's locale; the suite reads them as a British browser would
    # (tests/browser/test_dates_in_locale.py checks the others).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    broken_assets = []
    page.on(
        "response",
        lambda r: (
            broken_assets.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/static/" in r.url
            else None
        ),
    )
    # The Content-Security-Policy allows no inline script: a blocked one would be a silent bug.
    blocked_by_csp = []
    page.on(
        "console",
        lambda m: blocked_by_csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert broken_assets == [], "pages referenced missing static files"
    assert blocked_by_csp == [], "the Content-Security-Policy blocked something on a page"
