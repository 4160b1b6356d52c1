import json

from django.core.management.base import BaseCommand, CommandError

from rapport.accounts.models import Organisation
from rapport.estimates.track_record import (
    calibration_refresh,
    track_record_json,
    track_record_refresh,
    track_record_summary,
)


class Command(BaseCommand):
    help = (
        "`track-record --org SLUG [--json] [--refresh]`: how the organisation's estimates and "
        "promises compared with what happened, and the calibration it gives simulations. "
        "--refresh records every project again first (after an import, say)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument(
            "--refresh", action="store_true", help="record every project again and refit"
        )

    def handle(self, *args, org, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {org!r}.")
        if options["refresh"]:
            for project in organisation.projects.all():
                track_record_refresh(project, refit=False)
            calibration_refresh(organisation)
        data = track_record_json(track_record_summary(None, organisation))
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        out = self.stdout.write
        cal = data["calibration"]
        out(f"{organisation.name}: track record")
        out("")
        if cal["finish"]:
            f = cal["finish"]
            out(
                f"Projects finished within {f['factors'][7]:.2f}× their P80 in 80 % of cases "
                f"({cal['projects']} completed projects, {cal['activities']} activities; "
                f"interval {f['low'][7]:.2f}–{f['high'][7]:.2f}×)."
            )
        else:
            out(cal["refused"] or "No calibration yet.")
        out("")
        out("Completed projects (finish in working days: P50 / P80 / actual):")
        for p in data["projects"]:
            fin = p["finish"]
            out(f"  {p['name'][:50]:<50} {fin['p50']:7.0f} {fin['p80']:7.0f} {fin['actual']:7.0f}")
        for title, key in (("kind", "by_kind"), ("estimator", "by_estimator")):
            out("")
            out(f"Finished activities per {title} (average actual ÷ P50, share past P80):")
            for a in data[key]:
                out(f"  {a['label'][:40]:<40} {a['mean_ratio']:.2f}×  {a['share_over_p80']:.0%}")
        org_rate = data["promises"]["organisation"]
        out("")
        if org_rate["share"] is not None:
            out(f"Promises kept on time: {org_rate['share']:.0%} of {org_rate['closed']} closed.")
        for p in data["promises"]["people"]:
            share = "—" if p["share"] is None else f"{p['share']:.0%}"
            out(f"  {p['label'][:40]:<40} {share:>5} of {p['closed']}")
