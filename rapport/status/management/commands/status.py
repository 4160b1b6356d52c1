import json

from django.core.management.base import BaseCommand, CommandError

from rapport.projects.selectors import project_get_by_ref

WATERMELON_EXIT = 3  # documented in docs/administration.md (CLI); 1 stays "error"


class Command(BaseCommand):
    help = (
        "Honest status: `status health --project CODE [--json]` prints reported against evidence, "
        "each signal and the watermelon finding; `status snapshot` records every running "
        "project's health for the board's history. `status health` exits 3 when the project "
        "is a watermelon (reported better than the evidence), 1 on an error, 0 otherwise."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        health = sub.add_parser("health", help="a project's health")
        health.add_argument("--project", required=True, help="CODE or ORG/CODE")
        health.add_argument("--org", help="organisation slug, when several have the code")
        health.add_argument(
            "--json", action="store_true", help="JSON: reported, evidence, signals, watermelon"
        )
        sub.add_parser("snapshot", help="snapshot every running project's health now")

    def handle(self, *args, action, **options):
        if action == "snapshot":
            from datetime import timedelta

            from rapport.status.services import snapshots_refresh

            taken = snapshots_refresh(max_age=timedelta(0))
            self.stdout.write(f"{taken} snapshots taken.")
            return
        try:
            project = project_get_by_ref(options["project"], org_slug=options.get("org"))
        except LookupError as error:
            raise CommandError(str(error)) from None
        from rapport.status.selectors import project_health

        health = project_health(project)
        data = health.report.to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.print_health(project, data)
        if data["watermelon"]:
            # A scheduled check alerts on the exit code, not on the words.
            raise SystemExit(WATERMELON_EXIT)

    def print_health(self, project, data):
        self.stdout.write(
            f"{project.org.slug}/{project.code}: reported {data['reported'] or 'nothing'}, evidence {data['evidence'] or 'not measured'}"
        )
        for signal in data["signals"]:
            colour = signal["colour"] or "not measured"
            self.stdout.write(f"  {colour:>12}  {signal['code']}: {signal['message']}")
        if data["watermelon"]:
            self.stdout.write(
                self.style.ERROR(
                    f"WATERMELON ({data['watermelon']['severity']}): {data['watermelon']['message']}"
                )
            )
