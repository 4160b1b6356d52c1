"""Reads that the customer pages, the API, the CLI and reports share.

Every list here costs a constant number of queries however large the register grows.
"""

from datetime import date

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from . import rules
from .models import (
    Category,
    CategoryConsideration,
    Outcome,
    OutcomeConflict,
    OutcomePosition,
    Party,
    ProjectStakeholder,
    ValueCriterion,
)

# --- the organisation's register ------------------------------------------------------------------


def category_list(org):
    return (
        Category.objects.filter(org=org)
        .annotate(party_count=Count("parties", distinct=True))
        .order_by("position", "name")
    )


def party_list(org, *, query: str = "", category_id: int | None = None, relationship: str = ""):
    """The register, with categories and links, by name."""
    parties = Party.objects.filter(org=org).search(query)
    if category_id:
        parties = parties.filter(categories__id=category_id)
    if relationship in dict(rules.RELATIONSHIPS):
        parties = parties.filter(relationship=relationship)
    # Sorted by `sort_name` for keyset pages; counting projects here would count them for the
    # whole register on every page (party_project_counts does it for one page).
    return (
        parties.select_related("reports_to", "represents")
        .prefetch_related("categories")
        .annotate(sort_name=Lower("name"))
        .order_by("sort_name", "pk")
    )


def party_project_counts(party_ids) -> dict[int, int]:
    """How many projects each of these parties is on (those not on any are left out)."""
    rows = (
        ProjectStakeholder.objects.filter(party_id__in=list(party_ids))
        .values("party_id")
        .annotate(n=Count("project_id"))
        .values_list("party_id", "n")
    )
    return dict(rows)


def party_search(org, query: str, *, not_on_project=None, limit: int = 30) -> list[Party]:
    """The first `limit` parties of the register matching `query`, by name: what a picker shows.
    With `not_on_project`, only parties not yet on that project."""
    parties = Party.objects.filter(org=org).search(query.strip())
    if not_on_project is not None:
        parties = parties.exclude(stakeholdings__project=not_on_project)
    return list(parties.only("pk", "name", "organisation").order_by(Lower("name"), "pk")[:limit])


def party_get(org, party_id) -> Party:
    party = (
        Party.objects.filter(org=org, pk=party_id)
        .select_related("reports_to", "represents")
        .prefetch_related("categories")
        .first()
    )
    if party is None:
        raise Http404("No such party in this register")
    return party


def party_chain(party: Party) -> dict:
    """Who the party reports to, up the chain; whom it represents, up that chain; and who
    reports to it or represents it."""
    rows = list(
        Party.objects.filter(org_id=party.org_id).values(
            "pk", "name", "organisation", "reports_to_id", "represents_id"
        )
    )
    by_id = {r["pk"]: r for r in rows}
    reports = {r["pk"]: r["reports_to_id"] for r in rows}
    speaks = {r["pk"]: r["represents_id"] for r in rows}
    return {
        "reports_up": [by_id[i] for i in rules.chain_up(party.pk, reports)],
        "represents_up": [by_id[i] for i in rules.chain_up(party.pk, speaks)],
        "reported_by": [r for r in rows if r["reports_to_id"] == party.pk],
        "represented_by": [r for r in rows if r["represents_id"] == party.pk],
    }


def party_projects(party: Party, user):
    """The projects of this party that `user` may see, with its roles there."""
    from rapport.projects.models import Project

    visible = Project.objects.visible_to(user).values("pk")
    return party.stakeholdings.filter(project__in=visible).select_related("project", "project__org")


# --- one project's stakeholders -------------------------------------------------------------------


def stakeholder_list(project, *, query: str = "", customers_only: bool = False):
    stakeholders = ProjectStakeholder.objects.filter(project=project)
    if query:
        stakeholders = stakeholders.filter(
            Q(party__name__icontains=query)
            | Q(party__organisation__icontains=query)
            | Q(party__title__icontains=query)
        )
    if customers_only:
        stakeholders = stakeholders.filter(is_customer=True)
    return (
        stakeholders.select_related("party", "project")
        .prefetch_related("party__categories")
        .annotate(criteria_count=Count("criteria", distinct=True))
        .order_by("party__name", "pk")
    )


def stakeholder_get(project, stakeholder_id) -> ProjectStakeholder:
    stakeholder = (
        ProjectStakeholder.objects.filter(project=project, pk=stakeholder_id)
        .select_related("party", "party__reports_to", "party__represents")
        .prefetch_related("party__categories")
        .first()
    )
    if stakeholder is None:
        raise Http404("No such stakeholder on this project")
    stakeholder.project = project
    return stakeholder


def stakeholder_facts(project) -> list[rules.StakeholderFacts]:
    rows = (
        ProjectStakeholder.objects.filter(project=project)
        .annotate(criteria_count=Count("criteria"))
        .values(
            "pk",
            "party__name",
            "roles",
            "is_customer",
            "power",
            "interest",
            "attitude",
            "nervous",
            "concerns",
            "engagement_now",
            "engagement_needed",
            "criteria_count",
        )
        .order_by("party__name", "pk")
    )
    return [
        rules.StakeholderFacts(
            id=r["pk"],
            name=r["party__name"],
            roles=r["roles"] or [],
            is_customer=r["is_customer"],
            power=r["power"],
            interest=r["interest"],
            attitude=r["attitude"],
            nervous=r["nervous"],
            concerns=r["concerns"],
            engagement_now=r["engagement_now"],
            engagement_needed=r["engagement_needed"],
            criteria_count=r["criteria_count"],
        )
        for r in rows
    ]


def identification_prompts(project) -> dict:
    """The categories nobody on the project stands for (prompts), and those marked not applicable.
    A stakeholder stands for its party's categories and for the categories its project roles
    name (a Sponsor on the project answers the Sponsor prompt)."""
    categories = list(Category.objects.filter(org_id=project.org_id))
    triples = [(c.pk, c.name, c.hint) for c in categories]
    represented = set(
        Party.categories.through.objects.filter(party__stakeholdings__project=project).values_list(
            "category_id", flat=True
        )
    )
    roles = {
        role
        for held in ProjectStakeholder.objects.filter(project=project).values_list(
            "roles", flat=True
        )
        for role in held or []
    }
    represented |= rules.categories_of_roles(roles, triples)
    considerations = list(
        CategoryConsideration.objects.filter(project=project).select_related(
            "category", "decided_by"
        )
    )
    prompts = rules.identification_prompts(
        triples,
        represented,
        [c.category_id for c in considerations],
    )
    return {
        "prompts": prompts,
        "message": rules.prompt_message(prompts),
        "not_applicable": considerations,
        "represented": [c for c in categories if c.pk in represented],
    }


# --- value criteria -------------------------------------------------------------------------------


def criteria_of_project(project):
    return (
        ValueCriterion.objects.filter(stakeholder__project=project)
        .select_related("stakeholder__party")
        .prefetch_related("goals")
        .order_by("stakeholder__party__name", "position", "pk")
    )


def value_overview(project) -> dict:
    """Customers and their weighted criteria, the goal alignment, and the value findings."""
    goals = list(project.goals.all())
    criteria = list(criteria_of_project(project))
    customers = list(
        ProjectStakeholder.objects.filter(project=project, is_customer=True)
        .select_related("party")
        .order_by("party__name")
    )
    by_stakeholder: dict[int, list] = {}
    for c in criteria:
        by_stakeholder.setdefault(c.stakeholder_id, []).append(c)
    for items in by_stakeholder.values():
        for c, share in zip(items, rules.weight_shares([c.weight for c in items]), strict=True):
            c.share = share
    facts = [
        rules.CriterionFacts(
            c.pk, c.stakeholder_id, c.text, c.weight, tuple(g.pk for g in c.goals.all())
        )
        for c in criteria
    ]
    findings = rules.value_findings(
        goals=[(g.pk, g.text) for g in goals],
        customers=[(s.pk, s.party.name) for s in customers],
        criteria=facts,
    )
    stakeholder_ids = {c.stakeholder_id for c in criteria} | {s.pk for s in customers}
    others = {c.stakeholder for c in criteria if not c.stakeholder.is_customer}
    rows = [*customers, *sorted(others, key=lambda s: s.party.name.lower())]
    goal_support = {g.pk: [] for g in goals}
    for c in criteria:
        for g in c.goals.all():
            goal_support.setdefault(g.pk, []).append(c)
    return {
        "goals": [(g, goal_support.get(g.pk, [])) for g in goals],
        "rows": [(s, by_stakeholder.get(s.pk, [])) for s in rows if s.pk in stakeholder_ids],
        "findings": findings,
        "criteria": criteria,
    }


# --- outcomes -------------------------------------------------------------------------------------


def outcome_list(project):
    return Outcome.objects.filter(project=project).prefetch_related(
        Prefetch(
            "positions",
            queryset=OutcomePosition.objects.select_related("stakeholder__party").order_by(
                "stakeholder__party__name"
            ),
        ),
        "measurements",
    )


def outcome_get(project, outcome_id) -> Outcome:
    outcome = outcome_list(project).filter(pk=outcome_id).first()
    if outcome is None:
        raise Http404("No such outcome on this project")
    outcome.project = project
    return outcome


def conflict_list(project):
    return OutcomeConflict.objects.filter(project=project).select_related("first", "second")


def annotate_outcome(outcome: Outcome) -> Outcome:
    """Attach the consensus state and the latest measurement (from prefetched rows)."""
    positions = list(outcome.positions.all())
    measurements = list(outcome.measurements.all())
    # Consensus is the customers' agreement: other stakeholders' answers are advice.
    outcome.customer_positions = [p for p in positions if p.stakeholder.is_customer]
    outcome.advice_positions = [p for p in positions if not p.stakeholder.is_customer]
    outcome.consensus = rules.outcome_consensus([p.status for p in outcome.customer_positions])
    outcome.consensus_label = rules.CONSENSUS_LABELS[outcome.consensus]
    outcome.latest = measurements[-1] if measurements else None
    current = outcome.latest.value if outcome.latest else None
    outcome.progress = rules.progress_percent(outcome.baseline, outcome.target, current)
    outcome.met = rules.target_met(outcome.baseline, outcome.target, current)
    outcome.benefit = benefit_record(outcome, measurements)
    return outcome


def benefit_record(outcome: Outcome, measurements=None) -> dict | None:
    """The outcome's expected benefit and, once measured on or after the target date, whether the
    forecast was met: the first such measurement is the one the forecast is checked against.
    None when no benefit was forecast. ``measurements`` in date order (prefetched)."""
    if outcome.benefit_p50 is None or outcome.benefit_p80 is None:
        return None
    if measurements is None:
        measurements = list(outcome.measurements.all())
    lower_is_better = rules.benefit_lower_is_better(
        outcome.baseline, outcome.target, outcome.benefit_p50
    )
    checked = next(
        (
            m
            for m in measurements
            if outcome.due_date is not None and m.measured_on >= outcome.due_date
        ),
        None,
    )
    check = rules.benefit_check(
        p50=outcome.benefit_p50,
        p80=outcome.benefit_p80,
        measured=checked.value if checked else None,
        lower_is_better=lower_is_better,
    )
    return {
        "low": outcome.benefit_low,
        "p50": outcome.benefit_p50,
        "p80": outcome.benefit_p80,
        "high": outcome.benefit_high,
        "assumptions": outcome.benefit_assumptions,
        "lower_is_better": lower_is_better,
        "measured": checked,
        "check": check,
        "check_label": rules.BENEFIT_CHECKS.get(check, ""),
    }


def outcome_facts(outcomes) -> list[rules.OutcomeFacts]:
    facts = []
    for o in outcomes:
        measurements = list(o.measurements.all())
        facts.append(
            rules.OutcomeFacts(
                id=o.pk,
                title=o.title,
                is_csf=o.is_csf,
                metric=o.metric,
                target=o.target,
                due_date=o.due_date,
                baseline=o.baseline,
                current=measurements[-1].value if measurements else None,
                positions=[
                    (p.stakeholder.party.name, p.status)
                    for p in o.positions.all()
                    if p.stakeholder.is_customer
                ],
                advice=[
                    (p.stakeholder.party.name, p.status)
                    for p in o.positions.all()
                    if not p.stakeholder.is_customer
                ],
            )
        )
    return facts


def consensus(project, *, today: date | None = None) -> dict:
    """The outcomes with their consensus, open conflicts, findings and the summary."""
    outcomes = [annotate_outcome(o) for o in outcome_list(project)]
    conflicts = list(conflict_list(project))
    open_conflicts = [c for c in conflicts if c.is_open]
    findings = rules.outcome_findings(
        outcome_facts(outcomes),
        [(c.pk, c.first.title, c.second.title) for c in open_conflicts],
        today=today or timezone.localdate(),
    )
    summary = rules.consensus_summary([o.consensus for o in outcomes], len(open_conflicts))
    return {
        "outcomes": outcomes,
        "conflicts": conflicts,
        "open_conflicts": open_conflicts,
        "findings": findings,
        "summary": summary,
    }


# --- everything a PM should look at ---------------------------------------------------------------


def project_findings(project, *, today: date | None = None) -> dict:
    """Register, value and outcome findings and the identification prompts, in one place for the
    page, the API and the CLI."""
    register = rules.register_findings(stakeholder_facts(project))
    value = value_overview(project)["findings"]
    outcomes = consensus(project, today=today)
    prompts = identification_prompts(project)
    prompt_findings = []
    if prompts["prompts"]:
        prompt_findings.append(rules.Finding("category-not-considered", "info", prompts["message"]))
    findings = [*register, *value, *outcomes["findings"], *prompt_findings]
    order = {s: i for i, s in enumerate(rules.SEVERITIES)}
    findings.sort(key=lambda f: order.get(f.severity, 9))
    return {"findings": findings, "prompts": prompts, "consensus": outcomes["summary"]}
