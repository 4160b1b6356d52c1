"""RACI objects for tests: small ones through the services, big matrices through bulk_create."""

import random

from rapport.raci import services
from rapport.raci.models import Activity, Assignment, Phase, RaciImport
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Outcome, Party, ProjectStakeholder


def party_on(
    project, name, *, actor=None, kind="person", is_customer=False, power=None, interest=None
):
    """A party of the project's organisation, on the project (made through the services)."""
    stakeholder = stakeholders.stakeholder_add(
        actor=actor,
        project=project,
        new_party={"name": name, "kind": kind},
        is_customer=is_customer,
        power=power,
        interest=interest,
    )
    return stakeholder.party


def raci_sample(world) -> dict:
    """On ALPHA: a phase with a decision where Ann Lee is Accountable, a pending import and a
    SIPOC with a step. Returns the ids URL patterns and API paths name (activity_id comes from
    the estimates sample: any ALPHA activity will do)."""
    actor = world.manager
    ann = party_on(world.alpha, "Ann Lee", actor=actor)
    phase = services.phase_create(actor=actor, project=world.alpha, name="Design")
    activity = services.activity_create(
        actor=actor, project=world.alpha, name="Go-live decision", phase=phase, kind="decision"
    )
    services.raci_assign(actor=actor, activity=activity, party=ann, letter="A")
    # The register sample's customer is Consulted on every ALPHA activity, so that its input can
    # be recorded on whichever activity a path names.
    sales = Party.objects.filter(org=world.alpha.org, name="Sales team").first()
    if sales is not None:
        for each in Activity.objects.filter(project=world.alpha):
            services.raci_assign(actor=actor, activity=each, party=sales, letter="C")
    upload = RaciImport.objects.create(
        project=world.alpha,
        created_by=actor,
        filename="raci.csv",
        content=b"Activity,Ann Lee\nGo-live decision,A\n",
    )
    process = services.sipoc_create(actor=actor, project=world.alpha, name="Order to cash")
    step = services.sipoc_item_add(
        actor=actor, process=process, column="steps", name="Take the order"
    )
    return {
        "phase_id": phase.pk,
        "raci_activity_id": activity.pk,
        "raci_import_id": upload.pk,
        "process_id": process.pk,
        "column": "steps",
        "item_id": step.pk,
    }


def build_matrix(
    project, *, activities, parties, letters, seed=1, customers=0.25, groups=0.1, outcomes=0
):
    """A big RACI in a handful of bulk inserts: `activities` x `parties` with `letters` cells.

    Each activity gets one Accountable (so the findings stay few) and the rest of its share of
    the letters spread over R, C and I. With `outcomes`, that many customer outcomes, each activity
    serving one or two of them (the last one served by none). Returns (activity ids, party ids).
    """
    rng = random.Random(seed)
    phases = Phase.objects.bulk_create(
        [Phase(project=project, name=f"Phase {n}", position=n) for n in range(1, 11)]
    )
    party_objects = Party.objects.bulk_create(
        [
            Party(
                org_id=project.org_id,
                name=f"{project.code} party {n:04d}",
                kind="group" if rng.random() < groups else "person",
            )
            for n in range(parties)
        ]
    )
    ProjectStakeholder.objects.bulk_create(
        [
            ProjectStakeholder(
                project=project,
                party=party,
                is_customer=rng.random() < customers,
                power=rng.choice([None, 2, 3, 5]),
                interest=rng.choice([None, 1, 4]),
            )
            for party in party_objects
        ]
    )
    activity_objects = Activity.objects.bulk_create(
        [
            Activity(
                project=project,
                phase=phases[n * len(phases) // activities],
                name=f"Activity {n:05d}",
                kind=rng.choice(["task", "task", "task", "milestone", "decision", "deliverable"]),
                status=rng.choice(["not_started", "in_progress", "done"]),
                position=n,
            )
            for n in range(activities)
        ]
    )
    if activity_objects[0].pk is None:
        activity_objects = list(Activity.objects.filter(project=project).order_by("position"))
    if party_objects[0].pk is None:
        party_objects = list(
            Party.objects.filter(org_id=project.org_id, name__startswith=f"{project.code} party ")
        )
    per_activity = max(1, letters // activities)
    cells = []
    for activity in activity_objects:
        chosen = rng.sample(party_objects, min(per_activity, len(party_objects)))
        for index, party in enumerate(chosen):
            letter = "A" if index == 0 else rng.choice("RRCIII")
            cells.append(Assignment(activity=activity, party=party, letter=letter))
    Assignment.objects.bulk_create(cells[:letters], batch_size=2000)
    if outcomes:
        made = Outcome.objects.bulk_create(
            [Outcome(project=project, title=f"Outcome {n:03d}") for n in range(outcomes)]
        )
        if made[0].pk is None:
            made = list(Outcome.objects.filter(project=project).order_by("title"))
        served = made[:-1] or made
        link = Activity.outcomes.through
        links = {
            (activity.pk, rng.choice(served).pk)
            for activity in activity_objects
            for _ in range(rng.choice([1, 2]))
        }
        link.objects.bulk_create(
            [link(activity_id=a, outcome_id=o) for a, o in links], batch_size=2000
        )
    return [a.pk for a in activity_objects], [p.pk for p in party_objects]
