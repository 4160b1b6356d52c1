"""Figures per project, per person who made the promises and per party."""

from datetime import date

import pytest

from rapport.promises import selectors, services
from tests.estimates.factories import customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """20 November 2026, 10:00 UTC."""
    time_machine.move_to("2026-11-20 10:00 +00:00", tick=False)


def test_figures_are_kept_per_project_per_pm_and_per_party(world):
    sales, cfo = customer(world, "Sales team"), customer(world, "CFO")

    def make(by, to, due, delivered=None, scope="as"):
        c = services.commitment_create(
            actor=by,
            project=world.alpha,
            party=to.party,
            what="x",
            promised_date=due,
            made_on=date(2026, 10, 1),
        )
        if delivered:
            services.commitment_deliver(
                actor=by, commitment=c, delivered_on=delivered, delivered_scope=scope
            )
        return c

    make(world.manager, sales, date(2026, 10, 20), date(2026, 10, 18), "more")  # kept, 2 early
    make(world.manager, cfo, date(2026, 10, 20), date(2026, 10, 24), "as")  # broken, 4 late
    make(world.contributor, sales, date(2026, 11, 10))  # overdue
    make(world.contributor, cfo, date(2026, 12, 10))  # open

    figures = selectors.commitment_figures(world.alpha)
    project = figures["project"]
    assert (project.total, project.kept, project.broken, project.overdue, project.open) == (
        4,
        1,
        1,
        1,
        2,
    )
    assert project.mean_days_late == 1.0 and (project.more, project.as_promised) == (1, 1)
    per_pm = {row.label: row.figures for row in figures["per_pm"]}
    assert per_pm["Max Manager"].kept_text == "1 of 2 closed (50 %)"
    assert per_pm["Carl Contributor"].overdue == 1
    per_party = {row.label: row.figures for row in figures["per_party"]}
    assert (per_party["Sales team"].kept, per_party["CFO"].broken) == (1, 1)


def test_figures_cost_the_same_queries_however_many_promises(world, django_assert_max_num_queries):
    sales = customer(world, "Sales team")

    def add(n):
        for i in range(n):
            services.commitment_create(
                actor=world.manager,
                project=world.alpha,
                party=sales.party,
                what=f"p{i}",
                promised_date=date(2026, 12, 1),
            )

    add(2)
    with django_assert_max_num_queries(1):
        selectors.commitment_figures(world.alpha)
    add(30)
    with django_assert_max_num_queries(1):
        selectors.commitment_figures(world.alpha)


def test_figures_per_person_add_up_across_the_projects_someone_may_see(
    world, django_assert_max_num_queries
):
    from rapport.projects import services as projects
    from rapport.projects.models import ProjectRole

    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    secret = projects.project_create(actor=world.owner, org=world.acme, code="SEC", name="Secret")
    projects.project_member_set(
        actor=world.manager, project=beta, user=world.viewer, role=ProjectRole.VIEWER
    )

    to_by_project = {}

    def make(project, due, delivered=None, scope="as"):
        if project.pk not in to_by_project:
            to_by_project[project.pk] = customer(world, f"Sales of {project.code}", project=project)
        to = to_by_project[project.pk]
        c = services.commitment_create(
            actor=world.owner if project == secret else world.manager,
            project=project,
            party=to.party,
            what="x",
            promised_date=due,
            made_on=date(2026, 10, 1),
            made_by=world.manager if project != secret else world.owner,
        )
        if delivered:
            services.commitment_deliver(
                actor=world.manager, commitment=c, delivered_on=delivered, delivered_scope=scope
            )

    make(world.alpha, date(2026, 10, 20), date(2026, 10, 18), "more")  # kept, 2 days early
    make(beta, date(2026, 10, 20), date(2026, 10, 26), "less")  # broken, 6 days late
    make(beta, date(2026, 11, 10))  # overdue
    make(secret, date(2026, 10, 20), date(2026, 10, 20))  # on a project the viewer cannot see

    with django_assert_max_num_queries(1):
        rows = selectors.commitment_figures_per_maker(world.viewer, world.acme)
    assert [(r.label, r.projects) for r in rows] == [("Max Manager", 2)]
    max_ = rows[0].figures
    assert (max_.total, max_.kept, max_.broken, max_.overdue) == (3, 1, 1, 1)
    assert max_.mean_days_late == 2.0 and (max_.more, max_.less) == (1, 1)

    everyone = selectors.commitment_figures_per_maker(world.owner, world.acme)
    assert [(r.label, r.figures.total) for r in everyone] == [("Max Manager", 3), ("Olga Owner", 1)]
    assert selectors.commitment_figures_per_maker(world.outsider, world.acme) == []


def test_the_organisation_page_and_api_show_who_keeps_their_promises(world, client_for):
    sales = customer(world, "Sales team")
    kept = services.commitment_create(
        actor=world.manager,
        project=world.alpha,
        party=sales.party,
        what="Demo of the pipeline view",
        promised_date=date(2026, 10, 20),
        made_on=date(2026, 10, 1),
    )
    services.commitment_deliver(
        actor=world.manager, commitment=kept, delivered_on=date(2026, 10, 18), delivered_scope="as"
    )
    services.commitment_create(
        actor=world.manager,
        project=world.alpha,
        party=sales.party,
        what="Training plan",
        promised_date=date(2026, 11, 10),
        made_on=date(2026, 10, 1),
    )

    body = client_for(world.viewer).get("/o/acme/promises/").content.decode()
    row = body[body.index('<th scope="row">Max Manager</th>') :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td")[1:]]
    assert cells[0].endswith(">2") and cells[2].endswith(">1")  # 2 promises, 1 overdue

    api = client_for(world.viewer).get("/api/v1/orgs/acme/commitment-figures").json()
    assert [(r["label"], r["projects"], r["figures"]["total"]) for r in api] == [
        ("Max Manager", 1, 2)
    ]
    assert api[0]["figures"]["overdue"] == 1


def test_an_organisation_without_promises_says_where_to_record_them(world, client_for):
    body = client_for(world.member).get("/o/acme/promises/").content.decode()
    assert "No promises recorded yet on the projects you can see" in body
    assert client_for(world.member).get("/api/v1/orgs/acme/commitment-figures").json() == []
