"""The `rapport` console script: Django's management commands under one name.

`rapport serve`, `rapport worker`, `rapport demo`, `rapport project create ...` and every Django
command (`rapport migrate`, `rapport check --deploy`, ...) are management commands.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rapport", *sys.argv[1:]])


if __name__ == "__main__":
    main()
