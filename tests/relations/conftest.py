import pytest

from rapport.stakeholders import services as stakeholders


@pytest.fixture
def people(world):
    """On ALPHA: Kim, a key customer (interest 5); Pat, a quiet one (power 2, interest 2)."""
    kim = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Kim Key"},
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
