import pytest

from rapport.education import selectors
from rapport.stakeholders import services as stakeholders


@pytest.fixture
def people(world):
    """On ALPHA: Bea, the business lead (a customer); Sam, the sponsor."""
    bea = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Bea Business"},
        is_customer=True,
    )
    sam = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Sam Sponsor"},
        roles=["sponsor"],
    )
    return bea, sam


@pytest.fixture
def topics(world):
    """Acme's catalogue, seeded on first read: name -> topic."""
    return {t.name: t for t in selectors.topic_list(world.acme)}
