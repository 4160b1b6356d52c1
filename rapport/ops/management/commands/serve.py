import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Rapport with gunicorn on HOST:PORT (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "2")),
            help="gunicorn worker processes (env WEB_CONCURRENCY)",
        )
        parser.add_argument("--reload", action="store_true", help="restart on code changes")
        parser.add_argument(
            "--quiet", action="store_true", help="log warnings and errors only, no access log"
        )

    def handle(self, *args, host, port, workers, reload, quiet, **options):
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "rapport.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            *(["--log-level", "warning"] if quiet else ["--access-logfile", "-"]),
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        if reload:
            argv.append("--reload")
        if not quiet:
            self.stdout.write(
                f"Rapport on http://{host}:{port}/ ({settings.RAPPORT_ENV}, database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
            )
        sys.stdout.flush()
        os.execv(sys.executable, argv)
