from django.core.management.base import BaseCommand, CommandError

from rapport.ops.backup import BackupError, archive_open, restore


class Command(BaseCommand):
    help = (
        "Restore an archive of `rapport backup` or `rapport export` into an empty database "
        "(SQLite or PostgreSQL, whichever made it): `rapport restore FILE`. A database without "
        "tables is built first. All or nothing; writes no history of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to restore")

    def handle(self, *args, file, **options):
        try:
            archive = archive_open(file)
            counts = restore(file)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was restored.") from None
        header = archive.header
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(counts.values()):,} rows in {len(counts)} tables from {file} "
                f"({archive.scope}, made {header['created_at']} on {header['database']})."
            )
        )
        self.stdout.write(
            "Everyone signs in again (sign-ins are not in backups). Portal links and calendar "
            "feeds already sent keep working."
        )
