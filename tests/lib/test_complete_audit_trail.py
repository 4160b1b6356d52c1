"""Twenty changes made through the web, the API and the CLI, each found once in History with who
made it, when, and each field before and after."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.accounts import services as accounts
from rapport.accounts.models import User
from rapport.raci import services as raci
from tests.estimates.factories import estimated_network, with_start
from tests.raci.factories import party_on

pytestmark = pytest.mark.django_db

START = datetime(2031, 5, 4, 9, 0, tzinfo=UTC)  # after the world's creation
PASSWORD = "a-long-enough-passphrase"


class Trail:
    """Makes each change at its own minute, and remembers what History must then show."""

    def __init__(self):
        self.expected = []

    def change(self, who, what, field, before, after, do):
        moment = START + timedelta(minutes=len(self.expected))
        with time_machine.travel(moment, tick=False):
            response = do()
        if response is not None:  # web and API: the change went through
            assert response.status_code in (201, 204, 302) or (
                response.status_code == 200 and "json" in response["Content-Type"]
            ), response.content[:500]
        self.expected.append((who, moment, what, field, before, after))


def history(client_for, world, settings) -> list[dict]:
    """The organisation's History page as its owner sees it: every entry, newest first."""
    settings.PAGE_SIZE = 1000
    response = client_for(world.owner).get("/o/acme/history/")
    assert response.status_code == 200
    return response.context["entries"]


def bearer(user) -> dict:
    _, token = accounts.api_token_create(actor=user, name="audit test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def cli(*args):
    call_command(*args, stdout=None)


def test_twenty_changes_through_web_api_and_cli_are_each_in_history_once(
    world,
    client,
    client_for,
    settings,
    tmp_path,
    monkeypatch,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    manager_api, owner_api, contributor_api = (
        bearer(world.manager),
        bearer(world.owner),
        bearer(world.contributor),
    )
    party_on(world.alpha, "Ann Lee", actor=world.manager)
    golive = raci.activity_create(actor=world.manager, project=world.alpha, name="Go-live decision")
    with_start(world)
    estimated_network(world)
    alpha = world.alpha
    trail = Trail()
    web = client_for  # signs the test client in as someone

    # --- the web -----------------------------------------------------------------------------
    trail.change(
        "Max Manager",
        "ALPHA — Alpha, phase one",
        "name",
        "Alpha rollout",
        "Alpha, phase one",
        lambda: web(world.manager).post(
            "/o/acme/p/ALPHA/edit/",
            {
                "name": "Alpha, phase one",
                "start_date": "2026-01-05",
                "budget": "60000",
                "currency": "EUR",
                "state": "proposed",
                "time_zone": "UTC",
                "goals": "Happy customers",
            },
        ),
    )
    trail.change(
        "Olga Owner",
        "Mona Member (Owner of Acme",
        "role",
        "member",
        "owner",
        lambda: web(world.owner).post(
            f"/o/acme/members/{world.member.pk}/role/", {"role": "owner"}
        ),
    )
    trail.change(
        "Max Manager",
        "Mona Member (Viewer on ALPHA)",
        "role",
        None,
        "viewer",
        lambda: web(world.manager).post(
            "/o/acme/p/ALPHA/members/add/", {"user": world.member.pk, "role": "viewer"}
        ),
    )
    trail.change(
        "Max Manager",
        "Vera Viewer (Contributor on ALPHA)",
        "role",
        "viewer",
        "contributor",
        lambda: web(world.manager).post(
            f"/o/acme/p/ALPHA/members/{world.viewer.pk}/role/", {"role": "contributor"}
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):  # the invitation is mailed on commit
        trail.change(
            "Olga Owner",
            "Invitation of xena@acme.example",
            "email",
            None,
            "xena@acme.example",
            lambda: web(world.owner).post(
                "/o/acme/invite/", {"email": "xena@acme.example", "role": "member"}
            ),
        )
    link = re.search(r"/invite/[^/\s]+/", mailoutbox[-1].body).group(0)
    client.logout()
    accept = {"full_name": "Xena New", "password1": PASSWORD, "password2": PASSWORD}
    # Accepting makes her account and her membership, both credited to her.
    trail.change(
        "Xena New", "Xena New", "email", None, "xena@acme.example",
        lambda: client.post(link, accept),
    )  # fmt: skip
    xena = User.objects.get(email="xena@acme.example")
    trail.expected.append(
        ("Xena New", trail.expected[-1][1], "Xena New (Member of Acme", "role", None, "member")
    )

    # --- the API -----------------------------------------------------------------------------
    api = f"/api/v1/projects/{alpha.pk}"
    trail.change(
        "Max Manager",
        "ALPHA — Alpha, phase one",
        "description",
        "",
        "Changed through the API",
        lambda: client.patch(
            api,
            {"description": "Changed through the API"},
            content_type="application/json",
            **manager_api,
        ),
    )
    trail.change(
        "Max Manager",
        "Mona Member (Contributor on ALPHA)",
        "role",
        "viewer",
        "contributor",
        lambda: client.put(
            f"{api}/members",
            {"email": world.member.email, "role": "contributor"},
            content_type="application/json",
            **manager_api,
        ),
    )
    trail.change(
        "Max Manager",
        "Vera Viewer (Contributor on ALPHA)",
        "role",
        "contributor",
        None,
        lambda: client.delete(f"{api}/members/{world.viewer.pk}", **manager_api),
    )
    trail.change(
        "Olga Owner",
        "Invitation of yann@acme.example",
        "email",
        None,
        "yann@acme.example",
        lambda: client.post(
            "/api/v1/orgs/acme/invitations",
            {"email": "yann@acme.example"},
            content_type="application/json",
            **owner_api,
        ),
    )
    trail.change(
        "Carl Contributor",
        "Hypercare",
        "name",
        None,
        "Hypercare",
        lambda: client.post(
            f"{api}/phases",
            {"name": "Hypercare"},
            content_type="application/json",
            **contributor_api,
        ),
    )

    # --- the command line --------------------------------------------------------------------
    trail.change(
        "Olga Owner",
        "Nina Newcomer",
        "email",
        None,
        "nina@acme.example",
        lambda: cli(
            "createuser", "nina@acme.example", "--name", "Nina Newcomer", "--password", PASSWORD,
            "--org", "acme", "--as", world.owner.email,
        ),
    )  # fmt: skip
    trail.expected.append(
        ("Olga Owner", trail.expected[-1][1], "Nina Newcomer (Member of Acme", "role", None,
         "member")
    )  # fmt: skip
    # The project is credited to whoever ran the command, not to its --manager.
    trail.change(
        "Olga Owner", "CLI — Made in a terminal", "name", None, "Made in a terminal",
        lambda: cli(
            "project", "create", "CLI", "--name", "Made in a terminal", "--org", "acme",
            "--manager", world.manager.email, "--as", world.owner.email,
        ),
    )  # fmt: skip
    trail.expected.append(
        ("Olga Owner", trail.expected[-1][1], "Max Manager (Manager on CLI)", "role", None,
         "manager")
    )  # fmt: skip
    grid = tmp_path / "raci.csv"
    grid.write_text("Activity,Ann Lee\nGo-live decision,A\n")
    trail.change(
        "Max Manager", "Ann Lee: A on Go-live decision", "letter", None, "A",
        lambda: cli("raci", "import", "--project", "ALPHA", str(grid), "--as", world.manager.email),
    )  # fmt: skip
    grid.write_text("Activity,Ann Lee\nGo-live decision,\n")
    # RAPPORT_ACTOR names who runs the command when --as does not.
    monkeypatch.setenv("RAPPORT_ACTOR", world.contributor.email)
    trail.change(
        "Carl Contributor", "Ann Lee: A on Go-live decision", "letter", "A", None,
        lambda: cli("raci", "import", "--project", "ALPHA", str(grid)),
    )  # fmt: skip
    monkeypatch.delenv("RAPPORT_ACTOR")
    register = tmp_path / "register.csv"
    register.write_text("Name,Organisation\nPat Partner,Partner Ltd\n")
    trail.change(
        "Max Manager", "Pat Partner", "name", None, "Pat Partner",
        lambda: cli(
            "register", "import", "--project", "ALPHA", str(register), "--as", world.manager.email
        ),
    )  # fmt: skip
    trail.change(
        "Max Manager", None, "seed", None, "7",
        lambda: cli(
            "estimate", "simulate", "--project", "ALPHA", "--iterations", "200", "--seed", "7",
            "--save", "--as", world.manager.email,
        ),
    )  # fmt: skip
    # Nobody named: Acme has one owner... no longer (Mona was made owner above): refused.
    with pytest.raises(CommandError, match="Say who is making this change"):
        cli("project", "create", "NOBODY", "--name", "Nobody's", "--org", "acme")
    # Globex has one owner: it was him.
    trail.change(
        "Otto Outsider", "GLX — Globex only", "name", None, "Globex only",
        lambda: cli("project", "create", "GLX", "--name", "Globex only", "--org", "globex"),
    )  # fmt: skip

    assert len(trail.expected) >= 20
    entries = history(client_for, world, settings)
    globex = [
        e
        for e in client_for(world.outsider).get("/o/globex/history/").context["entries"]
        if e["object"] == "GLX — Globex only"
    ]
    for who, moment, what, field, before, after in trail.expected:
        found = [
            e
            for e in (globex if what and what.startswith("GLX") else entries)
            if what is None or what in e["object"]
            for c in e["changes"]
            if c["field"] == field and c["before"] == before and c["after"] == after
        ]
        assert len(found) == 1, f"{what} {field} {before}→{after}: {len(found)} entries, not 1"
        assert found[0]["actor"] == who, f"{what} {field}: credited to {found[0]['actor']}"
        assert found[0]["at"] == moment, f"{what} {field}: recorded at {found[0]['at']}"
    assert not any(e["actor"] == "system" for e in entries if e["at"] >= START)
    assert xena.full_name == "Xena New" and golive.name == "Go-live decision"
