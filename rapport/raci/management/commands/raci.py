"""`rapport raci import|export|check`: the RACI from the command line, through the same services."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rapport.accounts.cli import ActorCommand
from rapport.lib import columns
from rapport.projects.selectors import project_get_by_ref
from rapport.raci import importing, selectors
from rapport.raci.spreadsheets import FileProblem
from rapport.stakeholders import saved_mappings


class Command(ActorCommand):
    help = (
        "The RACI of a project: `raci import --project CODE FILE [--create-missing] "
        "[--map 'Área=activity'] [--sheet NAME] [--saved-map NAME] [--save-map-as NAME]`, "
        "`raci export --project CODE --format csv|xlsx [--layout grid|list] -o FILE`, "
        "`raci check --project CODE [--json]` (exits 1 when a finding is an error)."
    )

    read_only_actions = ("export", "check")

    def writes(self, options) -> bool:
        # A dry run writes nothing, except the mapping it is asked to save.
        return super().writes(options) and (
            not options.get("dry_run") or bool(options.get("save_map_as"))
        )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)

        def project_option(p):
            p.add_argument("--project", required=True, help="project code, or ORG/CODE")
            p.add_argument("--org", help="organisation slug, when several have the code")

        imp = sub.add_parser("import", help="import a RACI spreadsheet (grid or list, CSV or XLSX)")
        project_option(imp)
        imp.add_argument("file", help="the CSV or XLSX file")
        imp.add_argument(
            "--create-missing",
            action="store_true",
            help="add unknown names to the register as new parties",
        )
        imp.add_argument("--layout", choices=("auto", "grid", "list"), default="auto")
        imp.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=MEANING",
            help="what a column means, e.g. 'Área=activity' (repeatable); meanings: "
            + ", ".join(columns.RACI_MEANINGS),
        )
        imp.add_argument("--sheet", help="the XLSX sheet to read (default: RACI, else the first)")
        imp.add_argument(
            "--map-file",
            help="a JSON file of {header: meaning}, e.g. one written by --save-map (--map wins)",
        )
        imp.add_argument(
            "--save-map", help="write the columns' meanings, as read, to this JSON file"
        )
        imp.add_argument(
            "--saved-map",
            metavar="NAME",
            help="read the columns with a mapping saved in the organisation "
            "(--map-file and --map win)",
        )
        imp.add_argument(
            "--save-map-as",
            metavar="NAME",
            help="save the columns' meanings, as read, in the organisation under NAME "
            "(replacing one of that name)",
        )
        imp.add_argument(
            "--valid-only",
            action="store_true",
            help="import the rows without problems, skip the others",
        )
        imp.add_argument(
            "--dry-run", action="store_true", help="report what would change; change nothing"
        )

        exp = sub.add_parser("export", help="export the RACI")
        project_option(exp)
        exp.add_argument("--format", choices=importing.FORMATS, required=True)
        exp.add_argument("--layout", choices=importing.LAYOUTS, default="grid")
        exp.add_argument(
            "-o",
            "--output",
            required=True,
            help="file to write ('-' for standard output, CSV only)",
        )

        check = sub.add_parser("check", help="print the RACI findings")
        project_option(check)
        check.add_argument(
            "--json",
            action="store_true",
            help="a JSON list of {code, severity, activity, party, message}",
        )

    def handle(self, *args, action, **options):
        ref = options.pop("project")
        try:
            project = project_get_by_ref(ref, org_slug=options.get("org"))
        except LookupError as error:
            raise CommandError(str(error)) from None
        getattr(self, f"do_{action}")(project, **options)

    def do_import(
        self,
        project,
        *,
        file,
        create_missing,
        layout,
        valid_only,
        dry_run,
        map,
        sheet,
        map_file=None,
        save_map=None,
        saved_map=None,
        save_map_as=None,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        size = path.stat().st_size
        if size > importing.max_bytes():
            raise CommandError(
                f"{file} is {size:,} bytes; the limit is {importing.max_bytes():,} "
                "(RAPPORT_IMPORT_MAX_BYTES). Nothing was imported."
            )
        try:
            saved = (
                saved_mappings.saved_mapping_get(project.org, "raci", saved_map).mapping
                if saved_map
                else {}
            )
            plan = importing.plan_import(
                project=project,
                content=path.read_bytes(),
                layout=layout,
                create_missing=create_missing,
                mapping={
                    **columns.parse_mapping(saved),
                    **columns.read_mapping_file(map_file),
                    **columns.parse_mapping(map),
                },
                sheet=sheet,
            )
        except FileProblem as problem:
            raise CommandError(f"{problem} Nothing was imported.") from None
        except ValueError as error:
            raise CommandError(f"--map: {error}. Nothing was imported.") from None
        except ValidationError as error:
            raise CommandError(
                f"--saved-map: {' '.join(error.messages)} Nothing was imported."
            ) from None
        shown = {c.header: c.meaning for c in plan.columns if c.header}
        if save_map_as:
            try:
                saved_as = saved_mappings.save_mapping(
                    actor=self.actor, org=project.org, kind="raci", name=save_map_as, mapping=shown
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
        summary = plan.summary()
        for note in plan.notes:
            self.stdout.write(note)
        self.stdout.write(
            "Columns: "
            + "; ".join(
                f"{c.letter} {c.header or '(no header)'} = {c.meaning}" for c in plan.columns
            )
        )
        self.stdout.write(
            f"{path.name}: {summary['layout']} layout, {summary['rows']} activities "
            f"({summary['matched_activities']} in {project.code}, {summary['new_activities']} new), "
            f"{summary['letters']} letters."
        )
        for problem in plan.problems:
            self.stderr.write(f"  {problem}")
        if plan.unknown_parties:
            self.stderr.write(
                f"{len(plan.unknown_parties)} name(s) are not in the register: --create-missing "
                "adds them as new parties."
            )
        if dry_run:
            self.stdout.write(
                f"Dry run: {summary['letters_added']} letters would be added, "
                f"{summary['letters_changed']} changed, {summary['letters_removed']} removed."
            )
            if plan.problems:
                raise CommandError(f"{len(plan.problems)} problem(s) in the file.", returncode=1)
            return
        try:
            result = importing.apply_import(
                actor=self.actor, project=project, plan=plan, only_valid=valid_only
            )
        except importing.ImportRefused as refused:
            hint = (
                ""
                if valid_only or plan.file_problems
                else " (--valid-only imports the rows without problems)"
            )
            raise CommandError(f"{refused} Nothing was imported{hint}.") from None
        except ValidationError as error:
            raise CommandError(f"Nothing was imported: {' '.join(error.messages)}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result['activities_imported']} activities ({result['activities_created']} "
                f"new, {result['rows_skipped']} rows skipped), {result['parties_created']} new parties: "
                f"{result['letters_added']} letters added, {result['letters_changed']} changed, "
                f"{result['letters_removed']} removed."
            )
        )

    def do_export(self, project, *, format, layout, output, **options):
        content, _, _ = importing.export_file(project, fmt=format, layout=layout)
        if output == "-":
            if format != "csv":
                raise CommandError("Only CSV goes to standard output; give -o FILE for XLSX.")
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({format}, {layout} layout)."))

    def do_check(self, project, *, json: bool, **options):  # noqa: A002 - the option's name
        matrix = selectors.matrix_get(project)
        findings = selectors.raci_findings(matrix)
        if json:
            self.stdout.write(_json_dumps([f.to_dict() for f in findings]))
        else:
            for finding in findings:
                where = " / ".join(x for x in (finding.activity_name, finding.party_name) if x)
                self.stdout.write(
                    f"{finding.severity.upper():8} {finding.code:26} {where + ': ' if where else ''}{finding.message}"
                )
            counts = selectors.findings_summary(findings)
            self.stdout.write(
                f"{project.code}: {len(matrix.activities)} activities, {len(matrix.parties)} parties, "
                f"{matrix.assignment_count} letters; {counts['error']} errors, {counts['warning']} warnings."
            )
        errors = sum(1 for f in findings if f.severity == "error")
        if errors:
            raise CommandError(f"{errors} finding(s) are errors.", returncode=1)


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
