import pytest

from rapport.stakeholders import services as stakeholders


@pytest.fixture
def people(world):
    """On ALPHA: Bea, the business lead (a customer); Ian, from IT (not a customer); Sam, the
    sponsor (a customer, no e-mail address in the register)."""
    bea = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Bea Business", "email": "bea@customer.example"},
        is_customer=True,
        power=4,
        interest=5,
        weighs_in_on="the order-entry screens",
    )
    ian = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Ian IT", "email": "ian@acme.example"},
        is_customer=False,
    )
    sam = stakeholders.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "Sam Sponsor"},
        is_customer=True,
    )
    return bea, ian, sam
