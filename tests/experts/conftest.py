import pytest

from rapport.experts import services
from rapport.raci import services as raci
from rapport.stakeholders import services as stakeholders


@pytest.fixture
def catalogue(world):
    """Acme's areas: SQL and Security."""
    sql = services.expertise_create(actor=world.manager, org=world.acme, name="SQL")
    security = services.expertise_create(actor=world.manager, org=world.acme, name="Security")
    return sql, security


@pytest.fixture
def team(world, catalogue):
    """Dora knows SQL (available, a stakeholder of ALPHA); Sid knows security (limited, not on
    ALPHA); Una knows SQL but is unavailable. ALPHA has "Data migration" (SQL) and "Pen test"
    (Security)."""
    sql, security = catalogue
    dora = stakeholders.stakeholder_add(
        actor=world.manager, project=world.alpha, new_party={"name": "Dora DBA"}
    ).party
    sid = stakeholders.party_create(actor=world.owner, org=world.acme, name="Sid Secure")
    una = stakeholders.party_create(actor=world.owner, org=world.acme, name="Una Away")
    experts = {
        "dora": services.expert_create(
            actor=world.manager, org=world.acme, party=dora, areas=[sql], notes="Oracle tuning"
        ),
        "sid": services.expert_create(
            actor=world.manager,
            org=world.acme,
            party=sid,
            areas=[security],
            availability="limited",
            notes="Ran the firewall audit",
        ),
        "una": services.expert_create(
            actor=world.manager, org=world.acme, party=una, areas=[sql], availability="unavailable"
        ),
    }
    migration = raci.activity_create(
        actor=world.manager, project=world.alpha, name="Data migration"
    )
    pentest = raci.activity_create(actor=world.manager, project=world.alpha, name="Pen test")
    services.activity_areas_set(actor=world.manager, activity=migration, areas=[sql])
    services.activity_areas_set(actor=world.manager, activity=pentest, areas=[security])
    experts["migration"], experts["pentest"] = migration, pentest
    return experts
