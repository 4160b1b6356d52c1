import pytest

from rapport.raci import services
from tests.raci.factories import party_on


@pytest.fixture
def small(world):
    """ALPHA with a phase, three activities and four parties on the project, no letters yet."""
    actor = world.manager
    parties = {
        "ann": party_on(world.alpha, "Ann Lee", actor=actor),
        "bob": party_on(world.alpha, "Bob Ng", actor=actor),
        "finance": party_on(world.alpha, "Finance", actor=actor, kind="group"),
        "carla": party_on(
            world.alpha, "Carla Díaz", actor=actor, is_customer=True, power=5, interest=4
        ),
    }
    phase = services.phase_create(actor=actor, project=world.alpha, name="Build")
    activities = {
        "build": services.activity_create(
            actor=actor, project=world.alpha, name="Build the portal", phase=phase
        ),
        "golive": services.activity_create(
            actor=actor, project=world.alpha, name="Go-live decision", phase=phase, kind="decision"
        ),
        "train": services.activity_create(actor=actor, project=world.alpha, name="Train users"),
    }
    return {"parties": parties, "activities": activities, "phase": phase}
