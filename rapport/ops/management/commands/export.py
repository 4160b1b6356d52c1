from django.core.management.base import BaseCommand, CommandError

from rapport.ops.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write one organisation (its projects, register, history, members' accounts) to FILE, to "
        "move it to another installation: `rapport export --org SLUG -o FILE`, then `rapport "
        "restore FILE` there, into an empty database. The file is secret."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("-o", "--output", required=True, help="the archive file to write")

    def handle(self, *args, org, output, **options):
        try:
            counts = backup_write(output, org_slug=org)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: organisation {org}, {sum(counts.values()):,} rows from "
                f"{len(counts)} tables. It holds password and token hashes: keep it secret."
            )
        )
