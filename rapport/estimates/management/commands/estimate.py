import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rapport.accounts.cli import ActorCommand
from rapport.estimates import rules, services
from rapport.estimates.pdf import explanation_pdf, pdf_filename
from rapport.estimates.report import run_report
from rapport.projects.selectors import project_get_by_ref

# what `--json` prints: the figures the issue names, from SimulationResult.to_dict()
JSON_KEYS = ("p50", "p80", "p90", "contingency", "constraint_probability")


class Command(ActorCommand):
    help = (
        "Estimates: `estimate simulate --project CODE [--iterations N] [--seed S] [--json]` runs "
        "the Monte Carlo simulation of the project's estimate (`--calibrated` adds the forecast "
        "calibrated on the organisation's completed projects); `estimate explain --project CODE "
        "[--output FILE]` writes the sponsor's PDF."
    )

    def writes(self, options) -> bool:
        return options.get("action") == "simulate" and options.get("save")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        simulate = sub.add_parser("simulate", help="simulate the project's current estimate")
        simulate.add_argument("--project", required=True, help="CODE or ORG/CODE")
        simulate.add_argument("--org", help="organisation slug, when several have the code")
        simulate.add_argument("--iterations", type=int, default=rules.DEFAULT_ITERATIONS)
        simulate.add_argument("--seed", type=int, help="repeat a run exactly (default: a new seed)")
        simulate.add_argument(
            "--confidence", type=float, default=rules.DEFAULT_CONFIDENCE, help="e.g. 0.8 for P80"
        )
        simulate.add_argument("--distribution", choices=rules.DISTRIBUTIONS, default=rules.PERT)
        simulate.add_argument(
            "--json",
            action="store_true",
            help="print p50/p80/p90, contingency, constraint_probability",
        )
        simulate.add_argument(
            "--save", action="store_true", help="keep the run, so the estimate page shows it"
        )
        simulate.add_argument(
            "--calibrated",
            action="store_true",
            help="add the forecast calibrated on the organisation's completed projects",
        )
        explain = sub.add_parser("explain", help="write 'How this estimate was developed' as PDF")
        explain.add_argument("--project", required=True, help="CODE or ORG/CODE")
        explain.add_argument("--org", help="organisation slug, when several have the code")
        explain.add_argument("--output", "-o", help="file to write (default: CODE-how-….pdf)")

    def handle(self, *args, action, **options):
        try:
            project = project_get_by_ref(options.pop("project"), org_slug=options.get("org"))
        except LookupError as error:
            raise CommandError(str(error)) from None
        if action == "simulate":
            self.simulate(project, **options)
        else:
            self.explain(project, output=options.get("output"))

    def simulate(self, project, *, iterations, seed, confidence, distribution, save, **options):
        try:
            run = services.simulation_run(
                actor=self.actor,
                project=project,
                iterations=iterations,
                seed=seed,
                confidence=confidence,
                distribution=distribution,
                save=save,
            )
        except ValidationError as error:
            details = getattr(error, "message_dict", None)
            lines = (
                [f"{field}: {' '.join(m)}" for field, m in details.items()]
                if details
                else error.messages
            )
            raise CommandError("\n".join(lines)) from None
        summary = run.simulation.to_dict()
        calibrated = run.result.get("calibrated")
        if options["calibrated"] and calibrated is None:
            raise CommandError(run.result.get("calibration_refused") or "No calibration yet.")
        if options["json"]:
            out = {k: summary[k] for k in JSON_KEYS}
            if options["calibrated"]:
                out["calibrated"] = calibrated
            self.stdout.write(json.dumps(out, indent=2))
            return
        report = run_report(project, run, with_charts=False)
        out = self.stdout.write
        out(
            f"{project.org.slug}/{project.code} — {project.name}: {run.iterations:,} iterations, "
            f"seed {run.seed}, {run.distribution_label}, estimate version "
            f"{run.result.get('version') or '—'}"
        )
        out("")
        for line in (report.base, report.contingency, report.at_confidence):
            out(f"  {line.label:<38} {line.days_text:<34} {line.cost_text:>18}")
        out("")
        for line in report.levels:
            out(f"  {line.label:<38} {line.days_text:<34} {line.cost_text:>18}")
        width = min(max((len(a["name"]) for a in report.activities), default=10), 50)
        if report.target:
            t = report.target
            out("")
            out("Sponsor's target:")
            if t["finish_date"]:
                out(f"  finish by {t['finish_date_text']}: chance {t['finish_chance']}")
            if t["budget"] is not None:
                out(f"  budget {t['budget_text']}: chance {t['cost_chance']}")
            if t["both_p"] is not None:
                out(f"  both at once: chance {t['both_chance']}")
            take = report.take or {}
            label = report.confidence_label
            if take.get("finish") and take["finish"]["missed"]:
                f = take["finish"]
                names = ", ".join(lv["name"] for lv in f["levers"][:3])
                out(f"  to finish by then at {label}: take {f['days_text']} out ({names} first)")
            if take.get("cost") and take["cost"]["missed"]:
                c = take["cost"]
                names = ", ".join(lv["name"] for lv in c["levers"][:3])
                out(f"  to stay within budget at {label}: take {c['amount']} out ({names} first)")
        if options["calibrated"]:
            out("")
            out(
                f"Calibrated on {calibrated['sample_size']} completed projects of "
                f"{project.org.name} (factor {calibrated['factor']['finish']:.2f}× at "
                f"{report.confidence_label}):"
            )
            for label, key in (("P50", "p50"), ("P80", "p80"), ("P90", "p90")):
                days = calibrated[key]["finish"]
                out(f"  {label:<6} {days:8.1f} working days   {calibrated[key]['cost']:>14,.0f}")
        drivers = [a for a in report.activities if a["duration"] or a["cost"]][:5]
        if drivers:
            out("")
            out("Strongest drivers of the spread (finish / cost):")
            for a in drivers:
                out(
                    f"  {a['name'][:width]:<{width}}  {a['duration']:>5.2f} / {a['cost']:.2f}   "
                    f"critical {a['critical_text']}"
                )
        if report.not_estimated:
            out("")
            out(f"Not estimated, counted as 0 days and 0 cost: {', '.join(report.not_estimated)}")
        if save:
            out("")
            out(
                self.style.SUCCESS(
                    f"Saved: the estimate page now shows this run (seed {run.seed})."
                )
            )

    def explain(self, project, *, output):
        path = Path(output or pdf_filename(project))
        data = explanation_pdf(project)
        if str(path) == "-":
            sys.stdout.buffer.write(data)
            return
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(data):,} bytes)."))
