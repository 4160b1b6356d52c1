import pytest

from rapport.stakeholders.models import Category
from tests.stakeholders.factories import register_sample


@pytest.fixture
def sample(world):
    """ALPHA with a sponsor, a customer (Sales team), value criteria, outcomes and a conflict."""
    return register_sample(world)


@pytest.fixture
def category(world):
    def get(name, org=None):
        return Category.objects.get(org=org or world.acme, name=name)

    return get
