import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the delivery schedule every minute (what cron's `rapport comms deliver` does), until "
        "stopped. `rapport run` starts it for you; on a server, cron or a systemd timer will do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=60, help="seconds between runs (default 60)"
        )

    def handle(self, *args, every, **options):
        from rapport.comms.delivery import comms_deliver

        while True:
            started = time.monotonic()
            try:
                result = comms_deliver()
            except Exception as error:  # the next minute may succeed (database busy, mail down)
                self.stderr.write(f"scheduler: this run failed and will be tried again: {error}")
            else:
                if result.outcomes:
                    done = ", ".join(f"{n} {state}" for state, n in sorted(result.outcomes.items()))
                    self.stdout.write(f"Scheduled reports: {done}.")
            time.sleep(max(1.0, every - (time.monotonic() - started)))
