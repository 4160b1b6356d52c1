from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rapport.accounts.models import Organisation
from rapport.demo.services import DEMO_PM_EMAIL, demo_load, demo_password


class Command(BaseCommand):
    help = "Load the demo workspace (organisation `demo`, project CRM) and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only when the database has no organisation yet (what `make run` uses)",
        )

    def handle(self, *args, if_empty, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo workspace has a published password; not in production.")
        if if_empty and Organisation.objects.exists():
            self.stdout.write("Database not empty: demo workspace not loaded.")
            return
        try:
            demo_load()
        except ValueError as error:
            if if_empty:
                return
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS("Demo workspace loaded: organisation `demo`, project CRM.")
        )
        self.stdout.write(f"Sign in as {DEMO_PM_EMAIL} with the password {demo_password()}")
