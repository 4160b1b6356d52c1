"""A company-sized workspace in one go: `rapport generate` and the benchmarks in bench/ use it.

Everything is written with bulk inserts (no per-row saves, auditlog off for the bulk part), so
200,000 RACI cells take well under two minutes on SQLite. The same seed gives the same workspace:
one `random.Random(seed)` decides every name, size, date and letter, in a fixed order. Dates are
counted from `today` (the day it runs unless given), so a workspace generated today looks live.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction

FIRST = (
    "Ada Ahmed Aiko Alba Ana Arjun Ben Bruno Carla Chen Chloe Dana David Diego Elena Emil Eva "
    "Farah Felix Grace Hana Hugo Ines Ivan Jana Jonas Julia Kai Kenji Lara Leo Lina Luca Maya "
    "Mei Mila Nadia Nico Noah Olga Omar Paula Priya Rafael Rosa Sami Sara Sofia Tariq Theo Uma "
    "Vera Wei Yara Yusuf Zoe"
).split()
LAST = (
    "Adams Bauer Becker Chen Costa Dubois Eriksen Fischer Garcia Hansen Ivanova Jensen Kato "
    "Kowalski Larsen Lopez Martin Meyer Moreau Nakamura Nguyen Novak Okafor Olsen Patel Petrov "
    "Quinn Reyes Rossi Santos Schmidt Shah Silva Smith Tanaka Torres Varga Wagner Weber Wong "
    "Yilmaz Zhang"
).split()
COMPANIES = (
    "Northwind Contoso Fabrikam Initech Globex Umbrella Stark Wayne Tyrell Cyberdyne Hooli "
    "Soylent Acme Vandelay Wonka Gringotts Oscorp Aperture Massive Dynamic Monarch Pied-Piper"
).split()
DEPARTMENTS = (
    "Sales",
    "Finance",
    "IT",
    "Operations",
    "Marketing",
    "Legal",
    "Procurement",
    "Customer support",
    "HR",
    "Logistics",
)
TITLES = ("Director", "Manager", "Lead", "Analyst", "Specialist", "Head", "Officer", "Engineer")
GROUPS = ("team", "committee", "works council", "user group", "steering group", "union")
SUBJECTS = (
    "CRM Billing Payroll Warehouse Portal Data-lake Intranet Mobile-app Ledger Scheduling "
    "Procurement Analytics Identity Archive Helpdesk Website Telephony Inventory Reporting"
).split()
VERBS = ("rollout", "migration", "upgrade", "replacement", "consolidation", "pilot", "redesign")
ACTIVITY_WORDS = (
    "Requirements workshop",
    "Vendor selection",
    "Data migration",
    "User acceptance test",
    "Training",
    "Go-live decision",
    "Interface build",
    "Security review",
    "Pilot",
    "Cut-over",
    "Process redesign",
    "Budget approval",
    "Reporting pack",
    "Hypercare",
    "Legacy shutdown",
)
PHASES = ("Discovery", "Design", "Build", "Test", "Deploy", "Hypercare")
RISKS = (
    "Dirty data in the legacy system",
    "Key user unavailable during testing",
    "Vendor delivers late",
    "Budget cut at mid-year review",
    "Integration partner changes its API",
    "Sponsor leaves the company",
)
# Shares of projects per state: most run, some wait, some are done, a few were stopped.
STATES = (
    ("active", 0.55),
    ("proposed", 0.12),
    ("on_hold", 0.08),
    ("completed", 0.20),
    ("cancelled", 0.05),
)
COLOURS = ("green", "amber", "red")
BATCH = 2000


@dataclass
class Generated:
    """What was made: counts per kind, the sign-in of the generated owner."""

    org_slug: str
    owner_email: str
    counts: dict = field(default_factory=dict)


def _bulk(model, rows: list, counts: dict, label: str) -> list:
    made = model.objects.bulk_create(rows, batch_size=BATCH)
    counts[label] = counts.get(label, 0) + len(made)
    return made


def _insert_rows(model, columns: list[str], rows: list[tuple], counts: dict, label: str) -> None:
    """Plain INSERTs of value tuples, for the largest table: 200,000 model instances would cost
    more than the database does (no pks come back; nothing refers to these rows)."""
    from django.db import connection

    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(model._meta.get_field(c).column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 5):
            cursor.executemany(sql, rows[start : start + BATCH * 5])
    counts[label] = counts.get(label, 0) + len(rows)


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` uneven shares (big and small projects) summing exactly to it."""
    if parts == 0:
        return []
    weights = [rng.lognormvariate(0, 0.6) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(w * scale) for w in weights]
    for i in rng.sample(range(parts), total - sum(shares)):
        shares[i] += 1
    return shares


def _pick_state(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for state, share in STATES:
        acc += share
        if roll < acc:
            return state
    return STATES[0][0]


def _aware(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour)).replace(tzinfo=UTC)


def generate(
    *,
    org_slug: str,
    projects: int,
    parties: int,
    cells: int,
    seed: int = 1,
    today: date | None = None,
    password: str = "generated-org",
    org_name: str | None = None,
) -> Generated:
    """Fill organisation `org_slug` (created if missing) with `projects` projects, `parties`
    parties in its register and `cells` RACI letters spread over the projects, plus phases,
    activities with dates and estimates, stakeholders, status history, communication plans,
    deliveries, promises, risks and audit history. Raises ValidationError on bad sizes."""
    from auditlog.context import disable_auditlog

    from rapport.accounts import services as accounts
    from rapport.accounts.models import Organisation

    if projects < 1 or parties < 1 or cells < 0:
        raise ValidationError("Give at least 1 project and 1 party, and 0 or more cells.")
    if cells and parties < 2:
        raise ValidationError("A RACI needs at least 2 parties.")
    today = today or date.today()
    rng = random.Random(seed)
    with transaction.atomic():
        org = Organisation.objects.filter(slug=org_slug).first()
        if org is None:
            org = accounts.org_create(
                actor=None, slug=org_slug, name=org_name or f"{org_slug.title()} (generated)"
            )
        elif org.projects.exists() or org.parties.exists():
            raise ValidationError(
                f"The organisation {org_slug} has projects or parties already: "
                "generate into a new one."
            )
        with disable_auditlog():
            return _fill(org, projects, parties, cells, rng, today, password)


def _fill(org, n_projects, n_parties, n_cells, rng, today, password) -> Generated:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from rapport.accounts.models import OrgMembership, User
    from rapport.comms.models import Delivery, PlanRow
    from rapport.estimates.models import ActivityEstimate
    from rapport.projects.models import Goal, Project, ProjectMembership
    from rapport.promises.models import Commitment
    from rapport.raci.models import Activity, Assignment, Phase
    from rapport.stakeholders.models import Category, Party, ProjectStakeholder
    from rapport.stakeholders.rules import ATTITUDES, ENGAGEMENT, ROLES
    from rapport.status.models import EvidenceSnapshot, Risk, StatusUpdate

    counts: dict = {}
    slug = org.slug

    # People who sign in: an owner, and managers and team members (one per ~8 projects).
    hashed = make_password(password)
    n_users = max(5, n_projects // 8)
    users = _bulk(
        User,
        [
            User(
                email=f"owner@{slug}.example" if i == 0 else f"user{i:05d}@{slug}.example",
                full_name="Olive Owner" if i == 0 else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                password=hashed,
            )
            for i in range(n_users)
        ],
        counts,
        "users",
    )
    _bulk(
        OrgMembership,
        [
            OrgMembership(org=org, user=u, role="owner" if i == 0 else "member")
            for i, u in enumerate(users)
        ],
        counts,
        "organisation members",
    )
    team = users[1:]
    managers = team[: max(1, len(team) // 4)]

    # The register: one party in ten is a boss the others report to; one in ten is a group.
    categories = list(Category.objects.filter(org=org))
    seen: set[tuple[str, str]] = set()

    def party_row(i: int, boss=None) -> Party:
        if rng.random() < 0.1:
            kind = "group"
            name = f"{rng.choice(DEPARTMENTS)} {rng.choice(GROUPS)} {i}"
            organisation = ""
        else:
            kind = "person"
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            organisation = rng.choice(COMPANIES)
            if (name.lower(), organisation.lower()) in seen:
                name = f"{name} {i}"
        seen.add((name.lower(), organisation.lower()))
        external = rng.random() < 0.3
        return Party(
            org=org,
            kind=kind,
            name=name,
            organisation=organisation,
            department=rng.choice(DEPARTMENTS),
            title=rng.choice(TITLES) if kind == "person" else "",
            email=f"party{i}@{slug}-parties.example" if rng.random() < 0.8 else "",
            relationship="external" if external else "internal",
            payment=rng.choice(("cash", "trade")) if external else "none",
            reports_to=boss,
        )

    n_bosses = max(1, n_parties // 10)
    bosses = _bulk(Party, [party_row(i) for i in range(n_bosses)], counts, "parties")
    rest = _bulk(
        Party,
        [party_row(i, rng.choice(bosses)) for i in range(n_bosses, n_parties)],
        counts,
        "parties",
    )
    all_parties = bosses + rest
    if categories:
        through = Party.categories.through
        _bulk(
            through,
            [
                through(party_id=p.pk, category_id=c.pk)
                for p in all_parties
                if rng.random() < 0.5
                for c in rng.sample(categories, k=rng.randint(1, min(2, len(categories))))
            ],
            counts,
            "party categories",
        )

    # Projects in every state, each with goals, a manager and a small team.
    project_rows = []
    for i in range(n_projects):
        state = _pick_state(rng)
        if state in ("completed", "cancelled"):
            start = today - timedelta(days=rng.randint(300, 900))
        elif state == "proposed":
            start = today + timedelta(days=rng.randint(10, 120))
        else:
            start = today - timedelta(days=rng.randint(30, 400))
        project_rows.append(
            Project(
                org=org,
                code=f"P{i + 1:04d}",
                name=f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}".replace("-", " "),
                description="Generated project.",
                start_date=start,
                target_date=start + timedelta(days=rng.randint(120, 540)),
                budget=Decimal(rng.randrange(50, 5000) * 1000),
                state=state,
                created_at=_aware(start - timedelta(days=14)),
            )
        )
    project_list = _bulk(Project, project_rows, counts, "projects")
    _bulk(
        Goal,
        [
            Goal(project=p, text=f"Goal {n} of {p.code}", position=n)
            for p in project_list
            for n in range(1, 3)
        ],
        counts,
        "goals",
    )
    memberships = []
    manager_of = {}
    for p in project_list:
        manager = rng.choice(managers)
        manager_of[p.pk] = manager
        memberships.append(ProjectMembership(project=p, user=manager, role="manager"))
        for member in rng.sample(team, k=min(len(team), rng.randint(1, 3))):
            if member.pk != manager.pk:
                role = rng.choice(("contributor", "contributor", "viewer"))
                memberships.append(ProjectMembership(project=p, user=member, role=role))
    _bulk(ProjectMembership, memberships, counts, "project members")

    # Phases, activities and RACI letters: `n_cells` letters spread unevenly over the projects.
    cells_of = _spread(n_cells, n_projects, rng)
    phase_rows, activity_plan, stakeholder_rows, cell_plan = [], [], [], []
    party_ids_of: dict[int, list[int]] = {}
    n_activities_of: dict[int, int] = {}
    for p, n in zip(project_list, cells_of, strict=True):
        width = max(2, min(len(all_parties), 40, round(math.sqrt(max(n, 1)) * 0.9)))
        chosen = rng.sample(all_parties, k=width)
        party_ids_of[p.pk] = [x.pk for x in chosen]
        for party in chosen:
            stakeholder_rows.append(
                ProjectStakeholder(
                    project=p,
                    party=party,
                    roles=rng.sample([r for r, _ in ROLES], k=rng.randint(0, 2)),
                    is_customer=rng.random() < 0.3,
                    power=rng.choice((None, 1, 2, 3, 4, 5)),
                    interest=rng.choice((None, 1, 2, 3, 4, 5)),
                    attitude=rng.choice(("", *[a for a, _ in ATTITUDES])),
                    nervous=rng.random() < 0.1,
                    engagement_now=rng.choice(("", *[e for e, _ in ENGAGEMENT])),
                    engagement_needed=rng.choice(("", *[e for e, _ in ENGAGEMENT])),
                )
            )
        n_phases = rng.randint(3, len(PHASES))
        for pos in range(n_phases):
            phase_rows.append(Phase(project=p, name=PHASES[pos], position=pos + 1))
        # Each activity gets about half the project's parties: one A, one R, C's and I's.
        per_activity = max(1, width // 2)
        n_activities = max(3, math.ceil(n / per_activity)) if n else rng.randint(3, 8)
        span = max(30, (p.target_date - p.start_date).days)
        left = n
        for a in range(n_activities):
            start = p.start_date + timedelta(days=span * a // n_activities)
            length = rng.randint(3, max(4, span // max(2, n_activities // 3)))
            activity_plan.append((p, a, n_phases, start, length))
            take = min(left, per_activity if a < n_activities - 1 else left)
            letters = []
            for k, party_id in enumerate(rng.sample(party_ids_of[p.pk], k=min(take, width))):
                letters.append((party_id, "A" if k == 0 else "R" if k == 1 else rng.choice("CCI")))
            left -= len(letters)
            cell_plan.append(letters)
        n_activities_of[p.pk] = n_activities
    _bulk(ProjectStakeholder, stakeholder_rows, counts, "project stakeholders")
    phases = _bulk(Phase, phase_rows, counts, "phases")
    phases_of: dict[int, list] = {}
    for ph in phases:
        phases_of.setdefault(ph.project_id, []).append(ph)

    activity_rows = []
    for p, a, n_phases, start, length in activity_plan:
        planned_finish = start + timedelta(days=length)
        slip = rng.choice((0, 0, 0, 5, 10, 20)) if p.state != "proposed" else 0
        finish = planned_finish + timedelta(days=slip)
        if p.state in ("completed", "cancelled") or finish < today:
            status = "done" if p.state != "cancelled" or rng.random() < 0.5 else "cancelled"
        elif start <= today:
            status = "in_progress"
        else:
            status = "not_started"
        activity_rows.append(
            Activity(
                project=p,
                phase=phases_of[p.pk][min(a * n_phases // n_activities_of[p.pk], n_phases - 1)],
                name=f"{rng.choice(ACTIVITY_WORDS)} {a + 1}",
                kind=rng.choice(("task", "task", "task", "milestone", "decision", "deliverable")),
                position=a + 1,
                status=status,
                baseline_start=start,
                baseline_finish=planned_finish,
                planned_start=start,
                planned_finish=finish,
                actual_start=start if status in ("done", "in_progress") else None,
                actual_finish=finish if status == "done" else None,
            )
        )
    activities = _bulk(Activity, activity_rows, counts, "activities")
    _insert_rows(
        Assignment,
        ["activity", "party", "letter"],
        [
            (act.pk, party_id, letter)
            for act, letters in zip(activities, cell_plan, strict=True)
            for party_id, letter in letters
        ],
        counts,
        "RACI cells",
    )
    estimates = []
    for act in activities:
        if rng.random() < 0.6:
            likely = Decimal(rng.randint(2, 40))
            rate = Decimal(rng.choice((600, 800, 1000)))
            estimates.append(
                ActivityEstimate(
                    activity=act,
                    project_id=act.project_id,
                    duration_optimistic=likely * Decimal("0.7"),
                    duration_most_likely=likely,
                    duration_pessimistic=likely * Decimal("1.8"),
                    cost_optimistic=likely * rate * Decimal("0.7"),
                    cost_most_likely=likely * rate,
                    cost_pessimistic=likely * rate * Decimal("1.8"),
                    assumptions="Generated three-point estimate.",
                )
            )
    _bulk(ActivityEstimate, estimates, counts, "estimates")

    # Status history: weekly published updates with their evidence snapshots, and risks.
    updates, snapshot_plan, risks = [], [], []
    for p in project_list:
        if p.state == "proposed":
            continue
        weeks = rng.randint(2, 10)
        evidence = rng.choice(COLOURS)
        for w in range(weeks):
            end = today - timedelta(days=7 * (weeks - w - 1) + (today.weekday() + 3) % 7)
            reported = rng.choice(("green", "green", "amber", evidence))
            updates.append(
                StatusUpdate(
                    project=p,
                    period_start=end - timedelta(days=6),
                    period_end=end,
                    state="published",
                    overall=reported,
                    summary=f"Week {w + 1}: on track in most areas.",
                    schedule=reported,
                    scope="green",
                    cost=rng.choice(COLOURS),
                    quality="green",
                    risk=rng.choice(COLOURS),
                    progress=min(100, (w + 1) * 100 // (weeks + 2)),
                    not_going_well="Testing started late." if reported != "green" else "",
                    author=manager_of[p.pk],
                    created_at=_aware(end),
                    published_at=_aware(end, 16),
                )
            )
            snapshot_plan.append((p, end, reported, evidence))
            evidence = rng.choice((evidence, evidence, *COLOURS))
        for title in rng.sample(RISKS, k=rng.randint(1, 3)):
            risks.append(
                Risk(
                    project=p,
                    title=title,
                    probability=rng.choice(("low", "medium", "high")),
                    impact=rng.choice(("low", "medium", "high")),
                    owner=manager_of[p.pk].full_name,
                )
            )
    updates = _bulk(StatusUpdate, updates, counts, "status updates")
    _bulk(
        EvidenceSnapshot,
        [
            EvidenceSnapshot(
                project=p,
                taken_at=_aware(end, 17),
                reported=reported,
                evidence=evidence,
                watermelon=reported == "green" and evidence == "red",
                watermelon_message="Reported green, but the evidence is red."
                if reported == "green" and evidence == "red"
                else "",
                status_update=update,
            )
            for (p, end, reported, evidence), update in zip(snapshot_plan, updates, strict=True)
        ],
        counts,
        "evidence snapshots",
    )
    _bulk(Risk, risks, counts, "risks")

    # Communication plans, what they delivered, and promises to the project's customers.
    plan_rows, audiences = [], []
    for p in project_list:
        if p.state in ("proposed", "cancelled"):
            continue
        for kind in rng.sample(("simple", "detailed", "dashboard"), k=rng.randint(1, 2)):
            plan_rows.append(
                PlanRow(
                    project=p,
                    comm_type=kind,
                    channel="email",
                    rrule="FREQ=WEEKLY;BYDAY=MO",
                    start_date=p.start_date,
                    send_time=time(9),
                    owner=manager_of[p.pk],
                    purpose="Keep them informed.",
                )
            )
            audiences.append(rng.sample(party_ids_of[p.pk], k=min(2, len(party_ids_of[p.pk]))))
    plan_rows = _bulk(PlanRow, plan_rows, counts, "plan rows")
    through = PlanRow.audience_parties.through
    _bulk(
        through,
        [
            through(planrow_id=row.pk, party_id=pid)
            for row, ids in zip(plan_rows, audiences, strict=True)
            for pid in ids
        ],
        counts,
        "plan audiences",
    )
    deliveries = []
    for row, ids in zip(plan_rows, audiences, strict=True):
        for w in range(1, 4):
            day = today - timedelta(days=7 * w + today.weekday())
            if day < row.start_date:
                break
            for pid in ids:
                deliveries.append(
                    Delivery(
                        key=f"generated:{row.pk}:{pid}:{day.isoformat()}",
                        project_id=row.project_id,
                        plan_row=row,
                        party_id=pid,
                        occurrence=_aware(day),
                        channel="email",
                        comm_type=row.comm_type,
                        email=f"party{pid}@{slug}-parties.example",
                        state="sent",
                        attempts=1,
                        sent_at=_aware(day),
                        rendered_at=_aware(day),
                    )
                )
    _bulk(Delivery, deliveries, counts, "deliveries")
    commitments = []
    for p in project_list:
        if p.state == "proposed":
            continue
        for _ in range(rng.randint(1, 4)):
            promised = today + timedelta(days=rng.randint(-120, 90))
            if promised < today and rng.random() < 0.7:
                status, delivered_on = "kept", promised - timedelta(days=rng.randint(0, 5))
            elif promised < today and rng.random() < 0.5:
                status, delivered_on = "broken", None
            else:
                status, delivered_on = "open", None
            commitments.append(
                Commitment(
                    project=p,
                    party_id=rng.choice(party_ids_of[p.pk]),
                    what=f"{rng.choice(ACTIVITY_WORDS)} ready",
                    promised_date=promised,
                    original_date=promised,
                    made_by=manager_of[p.pk],
                    made_on=promised - timedelta(days=30),
                    status=status,
                    delivered_on=delivered_on,
                    delivered_scope="as" if status == "kept" else "",
                    broken_reason="The vendor was late." if status == "broken" else "",
                    closed_at=_aware(delivered_on or promised) if status != "open" else None,
                )
            )
    _bulk(Commitment, commitments, counts, "promises")

    # Audit history: who created each project and changed its state, as the pages show it.
    project_type = ContentType.objects.get_for_model(Project)
    entries = []
    for p in project_list:
        actor = manager_of[p.pk]
        extra = {"org_id": org.pk, "project_id": p.pk}
        entries.append(
            LogEntry(
                content_type=project_type,
                object_pk=str(p.pk),
                object_id=p.pk,
                object_repr=str(p)[:200],
                action=LogEntry.Action.CREATE,
                changes={"name": ["None", p.name], "state": ["None", "proposed"]},
                actor=actor,
                timestamp=p.created_at,
                additional_data=extra,
            )
        )
        if p.state != "proposed":
            entries.append(
                LogEntry(
                    content_type=project_type,
                    object_pk=str(p.pk),
                    object_id=p.pk,
                    object_repr=str(p)[:200],
                    action=LogEntry.Action.UPDATE,
                    changes={"state": ["proposed", p.state]},
                    actor=actor,
                    timestamp=_aware(p.start_date),
                    additional_data=extra,
                )
            )
    _bulk(LogEntry, entries, counts, "audit entries")
    return Generated(org_slug=org.slug, owner_email=users[0].email, counts=counts)
