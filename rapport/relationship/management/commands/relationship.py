import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from rapport.projects.selectors import project_get_by_ref


class Command(BaseCommand):
    help = (
        "The relationship with a project's customers: `relationship --project CODE [--json]` "
        "prints meetings, education, lessons, satisfaction, SLAs, experts and interactions, "
        "each with its figures (the same as the project's Relationship page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="CODE or ORG/CODE")
        parser.add_argument("--org", help="organisation slug, when several have the code")
        parser.add_argument("--json", action="store_true", help="JSON, one key per section")

    def handle(self, *args, **options):
        try:
            project = project_get_by_ref(options["project"], org_slug=options.get("org"))
        except LookupError as error:
            raise CommandError(str(error)) from None
        from rapport.relationship.selectors import project_relationship

        data = project_relationship(project)
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, cls=DjangoJSONEncoder))
            return
        self.stdout.write(f"{project.org.slug}/{project.code}: relationship with the customers")
        for section, figures in data.items():
            self.stdout.write(f"\n{section}")
            for key, value in figures.items():
                if isinstance(value, list):
                    value = (
                        "; ".join(
                            v if isinstance(v, str) else ", ".join(f"{k} {x}" for k, x in v.items())
                            for v in value
                        )
                        or "none"
                    )
                elif isinstance(value, dict) and "message" in value:  # an evidence signal
                    value = value["message"]
                elif isinstance(value, dict):
                    value = ", ".join(f"{k} {x}" for k, x in value.items())
                if value is None:
                    value = "—"
                self.stdout.write(f"  {key.replace('_', ' ')}: {value}")
