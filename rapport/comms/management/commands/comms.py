import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(
            f"--at must be an ISO date-time like 2026-10-05T09:00+02:00, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise CommandError(
            "--at needs a time zone (e.g. 2026-10-05T07:00Z or ...+02:00): a plain time is ambiguous"
        )
    return moment


class Command(BaseCommand):
    help = (
        "Communication plan: `comms due --at ISO-DATETIME [--json]` lists the reports and status "
        "meetings due then (nothing is sent); `comms deliver` schedules and delivers what is due "
        "now, exactly once (run it every minute from cron or a systemd timer; several at once are "
        "safe); "
        "`comms load --org SLUG | --project CODE [--json]` shows communications per week per "
        "recipient and the load findings, as the plan and load pages do."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser(
            "due", help="list the reports and status meetings due at a moment (nothing is sent)"
        )
        due.add_argument("--at", help="ISO date-time with a time zone (default: now)")
        due.add_argument("--json", action="store_true", help="print JSON")
        deliver = sub.add_parser("deliver", help="schedule and deliver what is due now")
        deliver.add_argument(
            "--enqueue", action="store_true", help="only enqueue the task for `rapport worker`"
        )
        deliver.add_argument("--json", action="store_true", help="print JSON")
        load = sub.add_parser("load", help="communications per week per recipient, and findings")
        load.add_argument("--org", help="organisation slug: load across its projects")
        load.add_argument("--project", help="CODE or ORG/CODE: the project's plan-page view")
        load.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action, **options):
        if action == "due":
            self.due(
                at=_moment(options["at"]) if options.get("at") else timezone.now(),
                as_json=options["json"],
            )
        elif action == "load":
            self.load(
                org_slug=options.get("org"), ref=options.get("project"), as_json=options["json"]
            )
        else:
            self.deliver(enqueue=options["enqueue"], as_json=options["json"])

    def load(self, *, org_slug, ref, as_json):
        from rapport.accounts.models import Organisation
        from rapport.comms.selectors import load_report
        from rapport.projects.selectors import project_get_by_ref

        project = None
        if ref:
            try:
                project = project_get_by_ref(ref, org_slug=org_slug)
            except LookupError as error:
                raise CommandError(str(error)) from None
            org = project.org
        elif org_slug:
            org = Organisation.objects.filter(slug=org_slug).first()
            if org is None:
                raise CommandError(f"No organisation {org_slug}.")
        else:
            raise CommandError("Say whose load: --org SLUG or --project CODE.")
        report = load_report(org, project=project)
        if as_json:
            data = {**report, "findings": [f.to_dict() for f in report["findings"]]}
            self.stdout.write(json.dumps(data, indent=2))
            return
        where = f"{org.slug}/{project.code}" if project else org.slug
        self.stdout.write(
            f"{where}: communications per week over {report['weeks']} weeks "
            f"(more than {report['threshold']:g} is probably too much)"
        )
        for row in report["load"]:
            self.stdout.write(f"  {row['per_week']:>6}  {row['name']}")
        for finding in report["findings"]:
            self.stdout.write(f"{finding.severity.upper()} {finding.code}: {finding.message}")

    def due(self, *, at, as_json):
        from rapport.comms.delivery import comms_due

        items = comms_due(at=at)
        if as_json:
            self.stdout.write(json.dumps({"at": at.isoformat(), "due": items}, indent=2))
            return
        if not items:
            self.stdout.write(f"Nothing due at {at.isoformat()}.")
        for item in items:
            names = ", ".join(
                f"{r['party']} <{r['email'] or 'no e-mail'}>"
                + (f" [{r['state']}]" if r["state"] else "")
                for r in item["recipients"]
            )
            what = (
                f"status meeting ({item['duration_minutes']} min)"
                if item["communication"] == "meeting"
                else f"{item['communication']} by {item['channel']}"
            )
            self.stdout.write(
                f"{item['project']}\t{item['occurrence_local']}\t{what}\t"
                f"{names or ('the team' if item['communication'] == 'meeting' else 'no recipients')}"
            )

    def deliver(self, *, enqueue, as_json):
        if enqueue:
            from rapport.comms.tasks import deliver_due

            result = deliver_due.enqueue()
            self.stdout.write(f"Enqueued {result.id}: `rapport worker` runs it.")
            return
        from rapport.comms.delivery import comms_deliver

        result = comms_deliver()
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        outcomes = (
            ", ".join(f"{n} {state}" for state, n in sorted(result.outcomes.items()))
            or "nothing to send"
        )
        self.stdout.write(
            f"Scheduled {result.schedule.created} deliveries from {result.schedule.rows} plan rows "
            f"({result.schedule.skipped_occurrences} missed occurrences skipped); "
            f"{result.snapshots} evidence snapshots; delivered: {outcomes}."
        )
