"""The `rapport` console script: Django's management commands under one name.

`rapport serve`, `rapport worker`, `rapport demo`, `rapport project create ...` and every Django
command (`rapport migrate`, `rapport check --deploy`, ...) are management commands.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["rapport", *sys.argv[1:]])
    except ImproperlyConfigured as error:
        # A missing or bad setting is the operator's to fix: say which, without a traceback.
        sys.exit(f"rapport: configuration error: {error}")


if __name__ == "__main__":
    main()
