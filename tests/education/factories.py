"""Explanations for tests, made through the services like real ones."""

from datetime import date

from rapport.education import selectors, services
from rapport.stakeholders.models import ProjectStakeholder


def education_sample(world) -> dict:
    """In Acme: the default catalogue and a topic of its own nobody was taught ("Cloud costs").
    On ALPHA: SQL explained to the register's customer, who partly understood it."""
    topics = selectors.topic_list(world.acme)
    sql = topics.get(name="SQL")
    spare = services.topic_create(actor=world.manager, org=world.acme, name="Cloud costs")
    stakeholder = ProjectStakeholder.objects.filter(project=world.alpha).order_by("pk").last()
    explanation = services.explanation_record(
        actor=world.manager,
        project=world.alpha,
        topic=sql,
        audience={stakeholder: "partly"},
        explained_on=date(2026, 11, 20),
    )
    return {"education_topic_id": spare.pk, "explanation_id": explanation.pk}
