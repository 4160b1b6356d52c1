import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from rapport.accounts import services
from rapport.accounts.cli import ActorCommand
from rapport.accounts.models import Organisation, OrgRole


class Command(ActorCommand):
    help = "Create a user who can sign in; optionally add them to an organisation."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument(
            "--password",
            help="the password (else RAPPORT_PASSWORD from the environment, else asked for)",
        )
        parser.add_argument("--org", help="slug of an organisation to join (created if missing)")
        parser.add_argument("--role", choices=OrgRole.values, default=OrgRole.MEMBER)
        parser.add_argument(
            "--superuser", action="store_true", help="may use every organisation's admin"
        )

    def handle(self, *args, email, name, password, org, role, superuser, **options):
        password = password or os.environ.get("RAPPORT_PASSWORD")
        if password is None:
            if not self.stdin_isatty():
                raise CommandError(
                    "Give --password or set RAPPORT_PASSWORD (no terminal to ask on)."
                )
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The two passwords differ.")
        try:
            with transaction.atomic():
                user = services.user_create(
                    email=email,
                    password=password,
                    full_name=name,
                    is_superuser=superuser,
                    actor=self.actor,
                )
                if org:
                    organisation = Organisation.objects.filter(slug=org).first()
                    if organisation is None:
                        # actor=None: the new user, not whoever runs this, owns the new org.
                        organisation = services.org_create(actor=None, slug=org, name=org)
                        role = OrgRole.OWNER
                    services.org_member_add(
                        actor=self.actor, org=organisation, user=user, role=role
                    )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        where = f" ({role} of {org})" if org else ""
        self.stdout.write(self.style.SUCCESS(f"Created {user.email}{where}."))

    @staticmethod
    def stdin_isatty() -> bool:
        import sys

        return sys.stdin.isatty()
