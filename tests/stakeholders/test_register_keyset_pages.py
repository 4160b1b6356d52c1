"""The register a page at a time by name, with links that carry a row's id (keyset pages): the
last page costs what the first does, and walking the pages shows every party once, in order."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.stakeholders.models import Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world, settings):
    settings.PAGE_SIZE = 10
    Party.objects.bulk_create(
        [Party(org=world.acme, name=f"{'ab'[n % 2]}party {n:03d}") for n in range(45)]
    )
    return [p.name for p in Party.objects.filter(org=world.acme).order_by("name")]


def names(html: str) -> list[str]:
    return re.findall(r'<td><a href="/o/acme/register/\d+/">([^<]+)</a>', html)


def link(html: str, text: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)">{re.escape(text)}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_next_links_walk_the_whole_register_once_in_name_order(world, client_for, register):
    client, seen, url = client_for(world.viewer), [], ""
    while url is not None:
        page = client.get(f"/o/acme/register/{url}").content.decode()
        seen += names(page)
        url = link(page, "Next →")
    assert seen == register


def test_the_last_page_and_previous_links_walk_it_backwards(world, client_for, register):
    client, pages, url = client_for(world.viewer), [], "?page=last"
    while url is not None:
        page = client.get(f"/o/acme/register/{url}").content.decode()
        pages.insert(0, names(page))
        url = link(page, "← Previous")
    assert pages[-1] == register[-10:]
    assert [name for page in pages for name in page] == register


def test_the_last_page_costs_the_queries_of_the_first(world, client_for, register):
    client = client_for(world.viewer)
    counts = []
    for url in ("/o/acme/register/", "/o/acme/register/?page=last"):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_count_stops_growing_past_a_thousand(world, client_for, register):
    Party.objects.bulk_create([Party(org=world.acme, name=f"More {n:04d}") for n in range(1000)])
    page = client_for(world.viewer).get("/o/acme/register/").content.decode()
    assert "10 shown of more than 1,000" in page


def test_a_made_up_or_foreign_id_gives_the_first_page(world, client_for, register):
    globex = Party.objects.create(org=world.globex, name="aaa Globex secret")
    page = client_for(world.viewer).get(f"/o/acme/register/?after={globex.pk}").content.decode()
    assert names(page) == register[:10] and "Globex" not in page
