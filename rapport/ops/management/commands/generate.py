import time
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from rapport.ops.generate import generate


class Command(BaseCommand):
    help = (
        "Fill an organisation with a company-sized generated workspace (projects in every state, "
        "register, RACI, status history, plans, deliveries, promises) to try Rapport at scale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="short name of the organisation to fill")
        parser.add_argument("--projects", type=int, default=200)
        parser.add_argument("--parties", type=int, default=2000, help="parties in the register")
        parser.add_argument("--cells", type=int, default=20000, help="RACI letters in all")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same workspace")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="the day dates count from (YYYY-MM-DD)"
        )

    def handle(self, *args, org, projects, parties, cells, seed, today, **options):
        if settings.PRODUCTION:
            raise CommandError("Generated users share a published password; not in production.")
        started = time.perf_counter()
        try:
            made = generate(
                org_slug=org,
                projects=projects,
                parties=parties,
                cells=cells,
                seed=seed,
                today=today,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        elapsed = time.perf_counter() - started
        for label, count in made.counts.items():
            self.stdout.write(f"{count:>9,} {label}")
        self.stdout.write(
            self.style.SUCCESS(f"Organisation {made.org_slug} generated in {elapsed:.1f} s.")
        )
        self.stdout.write(f"Sign in as {made.owner_email} with the password generated-org")
