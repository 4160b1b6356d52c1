import csv
import io
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rapport.accounts.cli import ActorCommand
from rapport.accounts.models import Organisation
from rapport.lib import columns
from rapport.projects.selectors import project_get_by_ref
from rapport.stakeholders import importing, saved_mappings, selectors
from rapport.stakeholders.spreadsheets import FileProblem, check_size, read_table


class Command(ActorCommand):
    help = (
        "The stakeholder register as a spreadsheet: "
        "`register import --project CODE FILE [--valid-only|--dry-run] [--map 'Nombre=name'] "
        "[--sheet NAME] [--create-missing-categories] [--saved-map NAME] [--save-map-as NAME]`, "
        "`register export --project CODE --format csv|xlsx -o FILE` (or --org SLUG for the whole register), "
        "`register outcomes --project CODE [--json]` (each outcome's consensus among its customers)."
    )

    read_only_actions = ("export", "outcomes")

    def writes(self, options) -> bool:
        # A dry run writes nothing, except the mapping it is asked to save.
        return super().writes(options) and (
            not options.get("dry_run") or bool(options.get("save_map_as"))
        )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("import", "import a CSV or XLSX file"),
            ("export", "export to CSV or XLSX"),
        ):
            p = sub.add_parser(name, help=text)
            where = p.add_mutually_exclusive_group(required=True)
            where.add_argument("--project", help="CODE or ORG/CODE: the project's stakeholders")
            where.add_argument("--org", help="organisation slug: its whole register (parties only)")
            if name == "import":
                p.add_argument("file", help="the CSV or XLSX file")
                mode = p.add_mutually_exclusive_group()
                mode.add_argument(
                    "--dry-run", action="store_true", help="check and report; write nothing"
                )
                mode.add_argument(
                    "--valid-only", action="store_true", help="import the valid rows, skip the rest"
                )
                p.add_argument(
                    "--map",
                    action="append",
                    default=[],
                    metavar="HEADER=MEANING",
                    help="what a column means, e.g. 'Nombre=name' or 'Notas=ignore' (repeatable)",
                )
                p.add_argument("--sheet", help="the XLSX sheet to read")
                p.add_argument(
                    "--map-file",
                    help="a JSON file of {header: meaning}, e.g. written by --save-map (--map wins)",
                )
                p.add_argument(
                    "--save-map", help="write the columns' meanings, as read, to this JSON file"
                )
                p.add_argument(
                    "--saved-map",
                    metavar="NAME",
                    help="read the columns with a mapping saved in the organisation "
                    "(--map-file and --map win)",
                )
                p.add_argument(
                    "--save-map-as",
                    metavar="NAME",
                    help="save the columns' meanings, as read, in the organisation under NAME "
                    "(replacing one of that name)",
                )
                p.add_argument(
                    "--create-missing-categories",
                    action="store_true",
                    help="add categories the organisation does not have yet",
                )
            else:
                p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
                p.add_argument(
                    "-o",
                    "--output",
                    required=True,
                    help="file to write ('-' for standard output, CSV only)",
                )
        outcomes = sub.add_parser(
            "outcomes",
            help="each outcome's consensus: customers' answers count, others' are advice",
        )
        outcomes.add_argument("--project", required=True, help="CODE or ORG/CODE")
        outcomes.add_argument("--json", action="store_true", help="machine-readable output")

    def _where(self, project, org):
        if project:
            try:
                found = project_get_by_ref(project)
            except LookupError as error:
                raise CommandError(str(error)) from None
            return found.org, found
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {org!r}.")
        return organisation, None

    def handle(self, *args, action, **options):
        org, project = self._where(options.get("project"), options.get("org"))
        if action == "outcomes":
            self.outcomes(project, as_json=options["json"])
        elif action == "export":
            self.export(org, project, options["format"], options["output"])
        else:
            self.import_(
                org,
                project,
                options["file"],
                options["dry_run"],
                options["valid_only"],
                mapping=options["map"],
                sheet=options["sheet"],
                map_file=options.get("map_file"),
                save_map=options.get("save_map"),
                saved_map=options.get("saved_map"),
                save_map_as=options.get("save_map_as"),
                create_missing_categories=options["create_missing_categories"],
            )

    def export(self, org, project, fmt, output):
        content, _, _ = importing.export_file(org=org, project=project, fmt=fmt)
        if output == "-":
            if fmt != "csv":
                raise CommandError("Only CSV goes to standard output; give -o FILE.xlsx for XLSX.")
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        Path(output).write_bytes(content)
        # Counted as records: a cell may hold line breaks.
        rows = (
            sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))) - 1
            if fmt == "csv"
            else None
        )
        what = (
            f"{project.org.slug}/{project.code} stakeholders"
            if project
            else f"the {org.slug} register"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {what} to {output}" + (f" ({rows} rows)." if rows is not None else ".")
            )
        )

    def import_(
        self,
        org,
        project,
        path,
        dry_run,
        valid_only,
        *,
        mapping=(),
        sheet=None,
        create_missing_categories=False,
        map_file=None,
        save_map=None,
        saved_map=None,
        save_map_as=None,
    ):
        kind = "customers" if project else "register"
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file {path}.")
        try:
            check_size(file.stat().st_size, settings.RAPPORT_IMPORT_MAX_BYTES)
            table = read_table(
                file.read_bytes(), max_bytes=settings.RAPPORT_IMPORT_MAX_BYTES, sheet=sheet
            )
            saved = (
                saved_mappings.saved_mapping_get(org, kind, saved_map).mapping if saved_map else {}
            )
            plan = importing.plan_import(
                org=org,
                project=project,
                table=table,
                mapping={
                    **columns.parse_mapping(saved),
                    **columns.read_mapping_file(map_file),
                    **columns.parse_mapping(list(mapping)),
                },
                create_missing_categories=create_missing_categories,
            )
        except FileProblem as problem:
            raise CommandError(str(problem)) from None
        except ValueError as error:
            raise CommandError(f"--map: {error}") from None
        except ValidationError as error:
            raise CommandError(f"--saved-map: {' '.join(error.messages)}") from None
        shown = {g["header"]: g["meaning"] for g in plan.guesses if g["header"]}
        if save_map_as:
            try:
                saved_as = saved_mappings.save_mapping(
                    actor=self.actor, org=org, kind=kind, name=save_map_as, mapping=shown
                )
            except ValidationError as error:
                raise CommandError(
                    f"--save-map-as: {' '.join(error.messages)} Nothing was imported."
                ) from None
            self.stdout.write(f"Saved the columns' meanings as “{saved_as.name}”.")
        if save_map:
            Path(save_map).write_text(
                json.dumps(shown, indent=2) + "\n",
                encoding="utf-8",
            )
        for note in plan.notes:
            self.stdout.write(f"note: {note}")
        if plan.guesses:
            self.stdout.write(
                "columns: "
                + "; ".join(
                    f"{g['column']} {g['header'] or '(no header)'} = {g['meaning']}"
                    for g in plan.guesses
                )
            )
        for p in plan.problems:
            where = f"row {p.row}" if p.row else "file"
            column = f", {p.column}" if p.column else ""
            value = f" [{p.value}]" if p.value else ""
            self.stderr.write(f"{path}: {where}{column}: {p.message}{value}")
        counts = plan.counts()
        summary = (
            f"{counts['rows']} rows: {counts['valid']} valid ({counts['create']} new, {counts['update']} changed, "
            f"{counts['unchanged']} unchanged), {counts['invalid']} with problems."
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. {summary}")
            if not plan.is_valid:
                raise CommandError(f"{len(plan.problems)} problem(s) found.")
            return
        try:
            result = importing.apply_import(
                actor=self.actor, org=org, project=project, plan=plan, only_valid=valid_only
            )
        except importing.ImportRefused as refused:
            raise CommandError(str(refused)) from None
        skipped = f", {result['skipped']} skipped" if result["skipped"] else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path}: {result['created']} added, {result['updated']} updated, "
                f"{result['unchanged']} unchanged{skipped}."
            )
        )

    def outcomes(self, project, *, as_json: bool):
        data = selectors.consensus(project)
        if as_json:
            rows = [
                {
                    "id": o.pk,
                    "title": o.title,
                    "consensus": o.consensus,
                    "consensus_label": o.consensus_label,
                    "answers": [
                        {
                            "name": p.stakeholder.party.name,
                            "status": p.status,
                            "counts": p.stakeholder.is_customer,
                        }
                        for p in o.positions.all()
                    ],
                }
                for o in data["outcomes"]
            ]
            self.stdout.write(
                json.dumps(
                    {"outcomes": rows, "summary": data["summary"]}, ensure_ascii=False, indent=2
                )
            )
            return
        for o in data["outcomes"]:
            self.stdout.write(f"{o.title}: {o.consensus_label}")
            for p in o.customer_positions:
                self.stdout.write(f"  {p.stakeholder.party.name}: {p.get_status_display().lower()}")
            for p in o.advice_positions:
                self.stdout.write(
                    f"  {p.stakeholder.party.name} (not a customer, advice only): "
                    f"{p.get_status_display().lower()}"
                )
        summary = data["summary"]
        self.stdout.write(
            f"{project.code}: {summary['agreed']} of {summary['outcomes']} outcomes agreed by their "
            f"customers; consensus {'reached' if summary['reached'] else 'not reached'}."
        )
