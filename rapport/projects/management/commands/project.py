from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from rapport.accounts.cli import ActorCommand
from rapport.accounts.models import Organisation
from rapport.projects import services
from rapport.projects.models import Project


class Command(ActorCommand):
    help = "Projects: `project create CODE --name NAME [--org SLUG] [--manager EMAIL]`, `project list`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a project")
        create.add_argument("code", help="short code, like CRM")
        create.add_argument("--name", required=True)
        create.add_argument("--org", help="organisation slug (needed when there are several)")
        create.add_argument("--manager", help="e-mail of the member who will manage it")
        create.add_argument("--description", default="")
        listing = sub.add_parser("list", help="list projects")
        listing.add_argument("--org", help="only this organisation")

    read_only_actions = ("list",)

    def scope_org(self, options):
        return self._org(options.get("org"))

    def handle(self, *args, action, **options):
        if action == "create":
            self.create(**options)
        else:
            self.list(org=options.get("org"))

    def _org(self, slug):
        if slug:
            org = Organisation.objects.filter(slug=slug).first()
            if org is None:
                raise CommandError(f"No organisation with the slug {slug!r}.")
            return org
        orgs = list(Organisation.objects.all()[:2])
        if len(orgs) == 1:
            return orgs[0]
        if not orgs:
            raise CommandError(
                "There is no organisation yet: `rapport createuser EMAIL --org SLUG` makes one."
            )
        slugs = ", ".join(Organisation.objects.values_list("slug", flat=True))
        raise CommandError(f"Say which organisation with --org (one of: {slugs}).")

    def create(self, *, code, name, org, manager, description, **options):
        organisation = self._org(org)
        manager_user = None
        if manager:
            manager_user = (
                get_user_model()
                .objects.filter(email__iexact=manager, org_memberships__org=organisation)
                .first()
            )
            if manager_user is None:
                raise CommandError(f"{manager} is not a member of {organisation.slug}.")
        try:
            project = services.project_create(
                actor=self.actor,
                org=organisation,
                code=code,
                name=name,
                description=description,
                manager=manager_user,
            )
        except ValidationError as error:
            details = "; ".join(
                f"{field}: {' '.join(msgs)}"
                for field, msgs in getattr(error, "message_dict", {"": error.messages}).items()
            )
            raise CommandError(details) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created {organisation.slug}/{project.code} — {project.name}")
        )

    def list(self, *, org):
        projects = Project.objects.select_related("org").order_by("org__slug", "code")
        if org:
            projects = projects.filter(org=self._org(org))
        for project in projects:
            self.stdout.write(
                f"{project.org.slug}/{project.code}\t{project.get_state_display()}\t{project.name}"
            )
