from django.core.management.base import BaseCommand, CommandError

from rapport.ops.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write one consistent archive of everything (all data, audit history, hashed tokens and "
        "passwords) to FILE: `rapport backup -o rapport-2026-12-03.backup`. The file is secret. "
        "`rapport restore FILE` brings it back into an empty SQLite or PostgreSQL database."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the archive file to write")

    def handle(self, *args, output, **options):
        try:
            counts = backup_write(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: {sum(counts.values()):,} rows from {len(counts)} tables. "
                "It holds password and token hashes: keep it secret (readable by you only)."
            )
        )
