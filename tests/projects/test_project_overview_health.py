"""The project overview leads with honest status: the reported colour beside the evidence, the
watermelon flagged, and a prompt to publish the first status when there is none."""

from rapport.status import services as status
from tests.comms.factories import publish


def _green_with_three_high_risks(world):
    for n in range(3):
        status.risk_create(
            actor=world.manager,
            project=world.alpha,
            title=f"Risk {n}",
            probability="high",
            impact="high",
        )
    publish(world, overall="green")


def test_the_overview_shows_a_watermelon_next_to_the_reported_colour(world, client_for):
    _green_with_three_high_risks(world)

    body = client_for(world.viewer).get("/o/acme/p/ALPHA/").content.decode()

    health = body[body.index('id="health-title"') : body.index('id="about-title"')]
    assert '<dt>Reported</dt><dd><span class="rag rag-green">Green</span>' in health
    assert '<dt>Evidence</dt><dd><span class="rag rag-red">Red</span>' in health
    assert "Watermelon:</strong> Reported green; evidence red: 3 high risks open" in health


def test_a_project_without_a_status_asks_its_manager_for_the_first_one(world, client_for):
    manager_page = client_for(world.manager).get("/o/acme/p/ALPHA/").content.decode()
    viewer_page = client_for(world.viewer).get("/o/acme/p/ALPHA/").content.decode()

    assert "Nothing published" in manager_page
    assert "Watermelon" not in manager_page
    assert 'href="/o/acme/p/ALPHA/status/new/">Write the first status update' in manager_page
    # A viewer may not write one, so is not invited to.
    assert "No status published yet." in viewer_page
    assert "Write the first status update" not in viewer_page


def test_the_organisation_page_links_to_the_board(world, client_for):
    body = client_for(world.member).get("/o/acme/").content.decode()
    assert 'href="/o/acme/board/">Board: reported against evidence' in body
