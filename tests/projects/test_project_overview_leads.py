"""The overview leads with what the PM came for: health, the next milestones and the decisions
the current status asks for, then a short history in plain sentences (no field names, no
microseconds), with the field-by-field detail one click away on the History page."""

from datetime import date

from rapport.raci import services as raci
from tests.comms.factories import party, publish


def _milestone(world, name, finish, **fields):
    return raci.activity_create(
        actor=world.manager,
        project=world.alpha,
        name=name,
        kind="milestone",
        planned_start=finish,
        planned_finish=finish,
        **fields,
    )


def test_the_next_open_milestones_come_first_by_date(world, client_for):
    _milestone(world, "Go-live", date(2027, 3, 1))
    _milestone(world, "Pilot", date(2027, 1, 15))
    _milestone(world, "Old kickoff", date(2026, 1, 5), status="done")

    body = client_for(world.viewer).get("/o/acme/p/ALPHA/").content.decode()
    card = body[body.index('id="next-title"') : body.index('id="about-title"')]

    assert card.index("Pilot") < card.index("Go-live")
    assert "15 Jan 2027" in card
    assert "Old kickoff" not in card


def test_the_decisions_the_current_status_asks_for_are_on_the_overview(world, client_for):
    sponsor = party(world, "Sam Sponsor")
    publish(world, decisions=[{"text": "Approve the hosting budget", "needed_from": sponsor}])

    body = client_for(world.viewer).get("/o/acme/p/ALPHA/").content.decode()

    assert "Approve the hosting budget — from Sam Sponsor" in body


def test_recent_changes_read_as_sentences_without_field_tables(world, client_for):
    publish(world, overall="red")

    body = client_for(world.viewer).get("/o/acme/p/ALPHA/").content.decode()
    recent = body[body.index('id="recent-title"') :]

    assert "Max Manager published the status update “ALPHA status 3 Mar–9 Mar 2025”" in recent
    assert "<table" not in recent  # the detail lives on the History page


def test_a_change_of_linked_customers_names_them_instead_of_type_and_operation(world, client_for):
    bea = party(world, "Bea Business-Lead")
    publish(world, obstacles=[{"text": "Licences over budget", "customers": [bea]}])

    page = client_for(world.viewer).get("/o/acme/p/ALPHA/history/").content.decode()

    assert "customers: added Bea Business-Lead" in page
    assert "type" not in page.split('id="main"')[1].split("</main>")[0].replace("content-type", "")
