import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from rapport.accounts.cli import ACTOR_ENV, actor_resolve
from rapport.accounts.models import Organisation

LIMIT = 50


class Command(BaseCommand):
    help = (
        "Lessons learned: `lessons search TEXT [--org SLUG] [--json] [--as EMAIL]` finds the "
        "lessons (every word of TEXT) of the organisation's projects that person may see, best "
        f"match first, at most {LIMIT}; with their project, category, tags and reuse count."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as", dest="as_email", metavar="EMAIL", help="whose view to search with"
        )
        sub = parser.add_subparsers(dest="action", required=True)
        search = sub.add_parser("search", help="search the lessons library")
        search.add_argument("text", help="words to find (all of them)")
        search.add_argument("--org", help="organisation slug (needed when you belong to several)")
        search.add_argument("--json", action="store_true", help="JSON: a list of lessons")
        search.add_argument("--limit", type=int, default=LIMIT, help=f"at most (default {LIMIT})")
        search.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            default=argparse.SUPPRESS,
            help=f"whose view to search with (default: ${ACTOR_ENV}, else the only owner)",
        )

    def handle(self, *args, action, **options):
        from rapport.lessons.selectors import lesson_search

        org = None
        if options.get("org"):
            org = Organisation.objects.filter(slug=options["org"]).first()
            if org is None:
                raise CommandError(f"No organisation with the slug {options['org']}.")
        try:
            user = actor_resolve(options.get("as_email"), org=org)
        except CommandError:
            if options.get("as_email"):
                raise  # no such person
            raise CommandError(
                f"Say whose lessons to search: --as EMAIL or {ACTOR_ENV}=EMAIL "
                "(you see the lessons of the projects you may see)."
            ) from None
        if user is None:
            raise CommandError(f"Say whose lessons to search: --as EMAIL or {ACTOR_ENV}=EMAIL.")
        orgs = Organisation.objects.filter(memberships__user=user)
        if org is None:
            found = list(orgs.order_by("slug")[:2])
            if len(found) != 1:
                raise CommandError(
                    "Say which organisation with --org SLUG."
                    if found
                    else f"{user.email} belongs to no organisation."
                )
            org = found[0]
        elif not orgs.filter(pk=org.pk).exists():
            raise CommandError(f"No organisation with the slug {org.slug}.")  # as for outsiders
        limit = max(1, min(options["limit"], 500))
        lessons = list(lesson_search(user, org, options["text"])[:limit])
        rows = [
            {
                "id": lesson.pk,
                "title": lesson.title,
                "project": lesson.project.code,
                "category": lesson.category,
                "impact": lesson.impact,
                "tags": lesson.tag_list,
                "captured_on": lesson.captured_on.isoformat(),
                "reuse_count": lesson.reuse_count,
                "recommendation": lesson.recommendation,
            }
            for lesson in lessons
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write(f"No lesson in {org.slug} matches “{options['text']}”.")
            return
        for row in rows:
            reuse = f"reused {row['reuse_count']}×" if row["reuse_count"] else "not yet reused"
            tags = f"  [{', '.join(row['tags'])}]" if row["tags"] else ""
            self.stdout.write(
                f"{row['id']:>6}  {row['project']:<16} {row['category']:<13} {reuse:<15} "
                f"{row['title']}{tags}"
            )
