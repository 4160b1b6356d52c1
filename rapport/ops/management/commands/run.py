import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError


def _interrupt(*_):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "The whole product on one machine: the web server, the background worker and the "
        "delivery schedule every minute, stopped together with Ctrl+C. `make run` uses it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, host, port, **options):
        env = dict(os.environ, PORT=str(port))
        # Links in e-mails must point where this server listens.
        env.setdefault("SITE_URL", f"http://{host}:{port}")
        rapport = [sys.executable, "-m", "rapport.cli"]
        commands = {
            "web server": [*rapport, "serve", "--host", host, "--port", str(port), "--quiet"],
            "worker": [*rapport, "worker", "--no-reload", "--no-startup-delay", "-v", "0"],
            "scheduler": [*rapport, "scheduler"],
        }
        # Each child leads its own process group, so stopping it stops what it started too (the
        # web server's workers): none is left behind holding the port or the terminal.
        children = {
            name: subprocess.Popen(argv, env=env, start_new_session=True)
            for name, argv in commands.items()
        }

        def signal_group(child, sig):
            try:
                os.killpg(child.pid, sig)
            except ProcessLookupError:
                pass

        def stop(*_):
            for child in children.values():
                signal_group(child, signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    signal_group(child, signal.SIGKILL)
                    child.wait()
            for child in children.values():  # whatever a child left behind in its group
                signal_group(child, signal.SIGKILL)

        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops everything, as Ctrl+C does
        try:
            while True:
                for name, child in children.items():
                    if child.poll() is not None:
                        stop()
                        raise CommandError(
                            f"The {name} stopped (exit code {child.returncode}); "
                            "everything was stopped with it."
                        )
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("Stopping Rapport…")
            stop()
