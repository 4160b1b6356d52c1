import pytest

from rapport.comms import services as comms
from rapport.relations import services as relations
from rapport.stakeholders import services as stakeholders


@pytest.fixture
def people(world):
    """On ALPHA: Kim, a key customer (interest 5, with an e-mail); Pat, a quiet one (2, 2)."""
    kim = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Kim Key", "email": "kim@customer.example"},
        is_customer=True,
        power=3,
        interest=5,
    )
    pat = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Pat Peripheral"},
        is_customer=True,
        power=2,
        interest=2,
    )
    return kim, pat


@pytest.fixture
def kim_portal(world, people):
    """Kim's portal link and the raw token her last e-mail carried."""
    kim = people[0]
    link = comms.portal_link_ensure(project=world.alpha, party=kim.party)
    return link, comms.portal_token_issue(link=link, sent_to=kim.party.email)


@pytest.fixture
def call_with_kim(world, people):
    """Yesterday's call with Kim, something she can rate."""
    from django.utils import timezone

    return relations.interaction_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=people[0],
        kind="call",
        date=timezone.localdate(),
        subject="Training plan",
    )
