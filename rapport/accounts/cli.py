"""Who runs a `rapport` command that writes: one mechanism for every such command.

A command that changes data subclasses `ActorCommand`. It takes `--as EMAIL` (before or after its
sub-command), else the `RAPPORT_ACTOR` environment variable, else the only owner of the
installation, and runs `handle()` acting as that person: every audited change inside, including
those of services called with `actor=None`, is credited to them in History.
"""

import argparse
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rapport.lib.audit import acting_as

from .models import OrgMembership, OrgRole

ACTOR_ENV = "RAPPORT_ACTOR"


def actor_resolve(email: str | None, *, org=None):
    """The person a command acts as: `email`, else $RAPPORT_ACTOR, else the only owner (of `org`
    when the command concerns one organisation, else of the installation).

    An installation with no owner yet (the first `createuser`) has nobody to credit: the change is
    then the system's. Several owners and no name: the command refuses, naming them.
    """
    email = (email or os.environ.get(ACTOR_ENV) or "").strip()
    users = get_user_model().objects
    if email:
        user = users.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the e-mail {email} (--as or {ACTOR_ENV}).")
        return user
    ownerships = OrgMembership.objects.filter(role=OrgRole.OWNER)
    if org is not None:
        ownerships = ownerships.filter(org=org)
    owners = list(
        users.filter(is_active=True, pk__in=ownerships.values("user_id")).order_by("email")[:6]
    )
    if len(owners) == 1:
        return owners[0]
    if not owners:
        return None
    names = ", ".join(o.email for o in owners[:5])
    raise CommandError(
        f"Say who is making this change: --as EMAIL or {ACTOR_ENV}=EMAIL (owners: {names}). "
        "History records it."
    )


def _org_of(options):
    """The organisation a command's --org or --project names, if it names one that exists."""
    from rapport.projects.selectors import project_get_by_ref  # projects sits above accounts

    from .models import Organisation

    if options.get("project"):
        try:
            return project_get_by_ref(options["project"], org_slug=options.get("org")).org
        except LookupError:
            return None
    if options.get("org"):
        return Organisation.objects.filter(slug=options["org"]).first()
    return None


class ActorCommand(BaseCommand):
    """A management command whose changes History credits to the person who ran it."""

    # Sub-commands that only read need nobody to act as (`--as` is then not asked for).
    read_only_actions: tuple[str, ...] = ()

    def writes(self, options) -> bool:
        return options.get("action") not in self.read_only_actions

    def scope_org(self, options):
        """The organisation the command concerns (its only owner is the default actor), or None.
        A command may raise CommandError here, so that "which organisation?" is asked first."""
        return _org_of(options)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        help_text = (
            f"e-mail of the person making the change (default: ${ACTOR_ENV}, else the only owner)"
        )
        parser.add_argument("--as", dest="as_email", metavar="EMAIL", help=help_text)
        # Also after a sub-command (`rapport raci import --as EMAIL ...`).
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            for sub in action.choices.values():
                sub.add_argument(
                    "--as",
                    dest="as_email",
                    metavar="EMAIL",
                    help=help_text,
                    default=argparse.SUPPRESS,
                )
        return parser

    def execute(self, *args, **options):
        as_email = options.pop("as_email", None)
        self.actor = None
        if self.writes(options):
            self.actor = actor_resolve(as_email, org=self.scope_org(options))
        with acting_as(self.actor):
            return super().execute(*args, **options)
