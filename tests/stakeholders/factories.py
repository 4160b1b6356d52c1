"""Customer objects for tests, made through the services like real ones."""

from datetime import date
from decimal import Decimal

from rapport.stakeholders import services
from rapport.stakeholders.models import Category, RegisterImport


def register_sample(world) -> dict:
    """On ALPHA: a sponsor, a customer with a value criterion, two conflicting outcomes, a pending
    import; in Acme's register a category. Returns the ids URL patterns and API paths name."""
    actor = world.manager
    union = Category.objects.get(org=world.acme, name="Union")
    sponsor = services.stakeholder_add(
        actor=actor,
        project=world.alpha,
        new_party={"name": "Sam Sponsor", "title": "CFO"},
        roles=["sponsor"],
        power=5,
        interest=3,
    )
    customer = services.stakeholder_add(
        actor=actor,
        project=world.alpha,
        new_party={"name": "Sales team", "kind": "group", "categories": [union]},
        is_customer=True,
        power=2,
        interest=5,
        engagement_now="neutral",
        engagement_needed="supportive",
    )
    criterion = services.criterion_create(
        actor=actor,
        stakeholder=customer,
        text="One screen per customer",
        weight=3,
        goals=list(world.alpha.goals.all()),
    )
    more = services.outcome_create(
        actor=actor,
        project=world.alpha,
        title="More infrastructure",
        stakeholders=[customer, sponsor],
        metric="Servers",
        unit="count",
        baseline=Decimal(2),
        target=Decimal(4),
        due_date=date(2030, 1, 1),
    )
    less = services.outcome_create(
        actor=actor, project=world.alpha, title="Lower run cost", stakeholders=[sponsor]
    )
    conflict = services.conflict_create(actor=actor, project=world.alpha, first=more, second=less)
    other = services.outcome_create(
        actor=actor, project=world.alpha, title="Faster onboarding", stakeholders=[customer]
    )
    project_import = RegisterImport.objects.create(
        org=world.acme,
        project=world.alpha,
        created_by=actor,
        filename="r.csv",
        content=b"Name\nNew Person\n",
    )
    org_import = RegisterImport.objects.create(
        org=world.acme,
        project=None,
        created_by=world.owner,
        filename="r.csv",
        content=b"Name\nNew Person\n",
    )
    return {
        "party_id": customer.party_id,
        "stakeholder_id": customer.pk,
        "criterion_id": criterion.pk,
        "outcome_id": more.pk,
        "conflict_id": conflict.pk,
        "other_outcome_id": other.pk,
        "category_id": union.pk,
        "import_id": project_import.pk,
        "register_import_id": org_import.pk,
    }
