"""The power/interest grid and the engagement matrix: accessible SVG, with the same facts as a table."""

from xml.etree import ElementTree

import pytest

from rapport.stakeholders import charts, services

pytestmark = pytest.mark.django_db


def test_the_pictures_page_inlines_both_svgs_with_titles_and_a_table(world, client_for, sample):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/pictures/").content.decode()
    assert page.count('role="img"') == 2
    assert '<title id="pi-title">Power/interest grid</title>' in page
    assert '<title id="em-title">Engagement matrix' in page
    assert "Sam Sponsor" in page and "Manage closely" in page and "Keep informed" in page
    assert "1 of 2 stakeholders need" in page


def test_the_grid_places_each_stakeholder_in_its_quadrant(world, sample):
    stakeholders = list(world.alpha.stakeholders.select_related("party"))
    svg = charts.power_interest_svg(stakeholders)
    assert "Sam Sponsor" in svg and "Sales team" in svg
    assert "Manage closely: 1; Keep satisfied: 0; Keep informed: 1; Monitor: 0" in svg


def test_many_stakeholders_are_counted_per_cell_instead_of_named(world):
    for i in range(60):
        services.stakeholder_add(
            actor=world.manager,
            project=world.alpha,
            new_party={"name": f"Person {i}"},
            power=1 + i % 5,
            interest=1 + (i // 5) % 5,
        )
    svg = charts.power_interest_svg(list(world.alpha.stakeholders.select_related("party")))
    assert "Person 1" not in svg and "60 stakeholders placed" in svg


def test_the_svg_downloads_are_standalone_images(world, client_for, sample):
    client = client_for(world.viewer)
    for name in ("power-interest", "engagement"):
        response = client.get(f"/o/acme/p/ALPHA/customers/pictures/{name}.svg")
        assert response["Content-Type"] == "image/svg+xml"
        assert (
            response.content.startswith(b"<?xml")
            and b'xmlns="http://www.w3.org/2000/svg"' in response.content
        )
        assert b"<script" not in response.content
        # Well-formed XML on its own, so a report, a PDF or an image viewer can use the file.
        root = ElementTree.fromstring(response.content)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_names_are_escaped_in_the_svg(world, client_for):
    services.stakeholder_add(
        actor=world.manager,
        project=world.alpha,
        new_party={"name": "<script>alert(1)</script>"},
        power=4,
        interest=4,
        engagement_now="neutral",
        engagement_needed="leading",
    )
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/pictures/").content.decode()
    assert "<script>alert(1)" not in page


def test_an_empty_project_says_what_to_add(world, client_for):
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/pictures/").content.decode()
    assert "nothing to place" in page and 'role="img"' not in page
