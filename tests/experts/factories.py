"""Experts for tests, made through the services like real ones."""

from rapport.experts import services
from rapport.raci.models import Activity
from rapport.stakeholders import services as stakeholders


def experts_sample(world) -> dict:
    """In Acme: the area SQL; Dora, an expert in it and a stakeholder of ALPHA; Eve, a party who
    is no expert yet. On ALPHA every activity touches SQL."""
    actor = world.manager
    sql = services.expertise_create(actor=actor, org=world.acme, name="SQL")
    dora = stakeholders.stakeholder_add(
        actor=actor, project=world.alpha, new_party={"name": "Dora DBA"}
    ).party
    eve = stakeholders.party_create(actor=world.owner, org=world.acme, name="Eve Engineer")
    expert = services.expert_create(
        actor=actor, org=world.acme, party=dora, areas=[sql], notes="Tuned the order database"
    )
    for activity in Activity.objects.filter(project=world.alpha):
        services.activity_areas_set(actor=actor, activity=activity, areas=[sql])
    return {"expertise_id": sql.pk, "expert_id": expert.pk, "eve_party_id": eve.pk}
