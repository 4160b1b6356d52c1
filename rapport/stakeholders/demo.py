"""The demo's customers: the CRM rollout's register, value criteria, outcomes and consensus.

Internal and external customers; a sponsor (the sales director) who funds it but is not its main
beneficiary (the sales team is); a nervous sales lead; IT wanting more infrastructure while finance
wants cost cuts (two conflicting outcomes); and one category, government/regulator, left
unconsidered so the identification prompt shows.
"""

from datetime import date
from decimal import Decimal

from . import services
from .models import Category


def customers_step(ws) -> None:
    pm, org, project = ws.users["pm"], ws.org, ws.project
    cat = {c.name: c for c in Category.objects.filter(org=org)}
    goals = list(
        project.goals.all()
    )  # 0 history in one place, 1 cross-sell, 2 retire legacy, 3 account owners

    def add(name, *, categories=(), party=None, **analysis):
        return services.stakeholder_add(
            actor=pm,
            project=project,
            new_party={"name": name, "categories": [cat[c] for c in categories], **(party or {})},
            **analysis,
        )

    ceo = services.party_create(
        actor=pm,
        org=org,
        name="Henrik Vos",
        title="Chief Executive Officer",
        organisation="Northwind Trading",
        categories=[cat["Executive"], cat["Board member"]],
    )
    sofia = add(
        "Sofia Reyes",
        categories=("Sponsor", "Executive"),
        party={
            "title": "Sales Director",
            "organisation": "Northwind Trading",
            "department": "Sales",
            "email": "sofia@northwind.example",
            "reports_to": ceo,
        },
        roles=["sponsor", "executive", "approver"],
        is_customer=False,
        power=5,
        interest=4,
        attitude="champion",
        engagement_now="supportive",
        engagement_needed="leading",
        benefits="Funds the CRM from the sales budget; the value goes to her reps and their customers.",
        weighs_in_on="Budget, scope, go-live date",
        expectations="“A 10% cross-sell uplift within a year, or I stop funding phase 2.”",
    )
    sales = add(
        "Sales team",
        categories=("End user", "Senior user"),
        party={
            "kind": "group",
            "organisation": "Northwind Trading",
            "department": "Sales",
            "represents": None,
        },
        roles=["senior_user", "end_user"],
        is_customer=True,
        power=3,
        interest=5,
        attitude="supporter",
        engagement_now="neutral",
        engagement_needed="supportive",
        benefits="One screen with each customer's orders and tickets; cross-selling becomes possible.",
        weighs_in_on="Screens, workflow, training",
        expectations="“Stop making us look things up in three places.”",
    )
    lars = add(
        "Lars Becker",
        categories=("Senior user", "Subject-matter expert"),
        party={
            "title": "Sales team lead",
            "organisation": "Northwind Trading",
            "department": "Sales",
            "email": "lars@northwind.example",
            "represents": sales.party,
            "reports_to": sofia.party,
        },
        roles=["senior_user", "sme"],
        is_customer=True,
        power=3,
        interest=5,
        attitude="sceptic",
        nervous=True,
        concerns="Fears reps will be judged by CRM activity counts instead of sales; worried about go-live in the busy season.",
        engagement_now="resistant",
        engagement_needed="supportive",
        expectations="“Reps' time goes to customers, not to data entry.”",
    )
    support = add(
        "Customer support",
        categories=("End user",),
        party={
            "kind": "group",
            "organisation": "Northwind Trading",
            "department": "Support",
            "payment": "chargeback",
        },
        roles=["end_user"],
        is_customer=True,
        power=2,
        interest=4,
        attitude="supporter",
        engagement_now="unaware",
        engagement_needed="supportive",
        benefits="Agents see who owns each account: fewer 'who is my account manager' calls.",
    )
    it = add(
        "Mei Tanaka",
        categories=("IT executive",),
        party={
            "title": "Head of IT operations",
            "organisation": "Northwind Trading",
            "department": "IT",
            "email": "mei@northwind.example",
            "payment": "chargeback",
        },
        roles=["it_executive", "sme"],
        is_customer=True,
        power=4,
        interest=4,
        attitude="supporter",
        engagement_now="supportive",
        engagement_needed="supportive",
        weighs_in_on="Hosting, integrations, security",
        expectations="“No new system on old servers.”",
    )
    finance = add(
        "Arjun Mehta",
        categories=("Executive", "Financier"),
        party={
            "title": "CFO",
            "organisation": "Northwind Trading",
            "department": "Finance",
            "reports_to": ceo,
        },
        roles=["executive", "approver"],
        is_customer=True,
        power=5,
        interest=2,
        attitude="neutral",
        engagement_now="neutral",
        engagement_needed="supportive",
        expectations="“Total run cost of sales systems down, not up.”",
    )
    accounts = add(
        "Key account customers",
        categories=("General public",),
        party={
            "kind": "group",
            "relationship": "external",
            "payment": "contract",
            "notes": "Northwind's 40 largest customers; they pay for the service under framework contracts.",
        },
        roles=["affected"],
        is_customer=True,
        power=2,
        interest=3,
        attitude="neutral",
        engagement_now="unaware",
        engagement_needed="neutral",
        benefits="One account manager who knows their whole history.",
    )
    vendor = add(
        "ContactBase Ltd",
        categories=("Supplier",),
        party={
            "kind": "group",
            "organisation": "ContactBase Ltd",
            "relationship": "external",
            "payment": "contract",
            "email": "accounts@contactbase.example",
        },
        roles=["supplier"],
        power=2,
        interest=5,
        attitude="blocker",
        concerns="Loses the maintenance contract for the legacy contact database.",
        engagement_now="resistant",
        engagement_needed="neutral",
    )
    add(
        "Works council",
        categories=("Union",),
        party={"kind": "group", "organisation": "Northwind Trading"},
        roles=["affected"],
        power=3,
        interest=3,
        attitude="sceptic",
        concerns="Must agree to any system that records employees' activity.",
        engagement_now="unaware",
        engagement_needed="supportive",
    )

    # Value criteria: what value means to each customer, aligned to the goals.
    criteria = [
        (sales, "A customer's orders and tickets on one screen", 5, [goals[0]]),
        (sales, "No double data entry", 3, []),
        (sofia, "Cross-sell revenue uplift", 5, [goals[1]]),
        (support, "See who owns each account", 4, [goals[3]]),
        (it, "Retire the unsupported contact database", 4, [goals[2]]),
        (it, "Redundant, monitored hosting", 3, []),
        (finance, "Lower total run cost", 5, []),
    ]
    for stakeholder, text, weight, aligned in criteria:
        services.criterion_create(
            actor=pm, stakeholder=stakeholder, text=text, weight=weight, goals=aligned
        )

    # Outcomes, measurable, with each customer group's answer.
    uplift = services.outcome_create(
        actor=pm,
        project=project,
        title="Reps sell across product lines",
        metric="Cross-sell share of revenue",
        unit="%",
        baseline=Decimal("6"),
        target=Decimal("16"),
        due_date=date(2028, 6, 30),
        is_csf=True,
        stakeholders=[sofia, sales, lars, finance],
        benefit_low=Decimal("9"),
        benefit_p50=Decimal("14"),
        benefit_p80=Decimal("12"),
        benefit_high=Decimal("17"),
        benefit_assumptions=(
            "Every rep uses the CRM daily by the end of 2027; product catalogues are merged "
            "before the sales kick-off; no change to commission rules."
        ),
    )
    services.measurement_add(
        actor=pm,
        outcome=uplift,
        measured_on=date(2026, 9, 1),
        value=Decimal("6"),
        note="Baseline month",
    )
    prep = services.outcome_create(
        actor=pm,
        project=project,
        title="Call preparation takes minutes, not half an hour",
        metric="Time to prepare a customer call",
        unit="minutes",
        baseline=Decimal("25"),
        target=Decimal("5"),
        due_date=date(2027, 9, 30),
        stakeholders=[sales, lars],
        benefit_low=Decimal("4"),
        benefit_p50=Decimal("8"),
        benefit_p80=Decimal("12"),
        benefit_high=Decimal("20"),
        benefit_assumptions="The old contact data is cleaned up before go-live.",
    )
    infra = services.outcome_create(
        actor=pm,
        project=project,
        title="CRM runs on new, redundant infrastructure",
        description="IT wants dedicated, monitored hosting before go-live.",
        metric="Availability",
        unit="%",
        baseline=Decimal("97"),
        target=Decimal("99.9"),
        due_date=date(2027, 6, 30),
        stakeholders=[it, finance],
    )
    cost = services.outcome_create(
        actor=pm,
        project=project,
        title="Run cost of sales systems down 20%",
        metric="Yearly run cost",
        unit="EUR",
        baseline=Decimal("180000"),
        target=Decimal("144000"),
        due_date=date(2028, 6, 30),
        is_csf=True,
        stakeholders=[finance, it, sofia],
    )
    answers = [
        (uplift, sofia, "agreed", ""),
        (uplift, sales, "agreed", ""),
        (uplift, finance, "agreed", ""),
        (prep, sales, "agreed", ""),
        (
            prep,
            lars,
            "objected",
            "Five minutes is not realistic before the old contact data is cleaned up.",
        ),
        (infra, it, "agreed", ""),
        (
            infra,
            finance,
            "objected",
            "New hardware is not in the budget; use the existing data centre.",
        ),
        (cost, finance, "agreed", ""),
        (cost, sofia, "agreed", ""),
        (cost, it, "objected", "Redundant hosting costs more to run, not less."),
    ]
    for outcome, stakeholder, status, reason in answers:
        services.position_set(
            actor=pm, outcome=outcome, stakeholder=stakeholder, status=status, reason=reason
        )
    services.conflict_create(
        actor=pm,
        project=project,
        first=infra,
        second=cost,
        description="IT wants more infrastructure investment; finance wants the run cost cut. Settle before the hosting decision in November.",
    )

    # Identification: every category considered except Government/regulator (a CRM holds personal data).
    represented = {c.pk for s in project.stakeholders.all() for c in s.party.categories.all()}
    reasons = {
        "Contractor": "All work is done by Northwind staff and the CRM vendor.",
        "Shareholder": "Privately held; the board speaks for the owners.",
        "Special-interest group": "No association is affected.",
        "Community": "No local effect.",
        "Future generations": "No lasting cost or benefit beyond the company.",
        "Business analyst": "Ben Okafor is on the team; no business analyst outside it.",
        "Business partner": "The sales director is the business lead.",
    }
    for name, category in cat.items():
        if category.pk in represented or name == "Government/regulator":
            continue
        services.consideration_set(
            actor=pm,
            project=project,
            category=category,
            not_applicable=True,
            reason=reasons.get(name, ""),
        )
    ws.stakeholders = {
        "sponsor": sofia,
        "sales": sales,
        "nervous": lars,
        "vendor": vendor,
        "accounts": accounts,
    }
