"""Party pickers: a short register is a plain drop-down (no JavaScript needed); a long one is a
search box whose matches come from a small endpoint behind the access check, so the page stays
small however large the register grows."""

import re

import pytest

from rapport.lib.widgets import SEARCH_LIMIT, SHORT_LIST
from rapport.stakeholders import services
from rapport.stakeholders.models import Party, ProjectStakeholder

pytestmark = pytest.mark.django_db


def fill_register(world, count: int, prefix: str = "Person"):
    Party.objects.bulk_create(
        [
            Party(org=world.acme, name=f"{prefix} {n:04d}", organisation="Initech")
            for n in range(count)
        ]
    )


def options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def test_a_short_register_is_a_plain_drop_down_with_everyone(world, client_for):
    fill_register(world, 5)
    page = client_for(world.contributor).get("/o/acme/p/ALPHA/customers/add/").content.decode()
    assert len(options(page, "existing")) == 1 + 5  # "someone new" and the five
    assert 'class="picker-search"' not in page


def test_a_long_register_is_a_search_box_and_the_page_stays_small(world, client_for):
    fill_register(world, 3000)
    response = client_for(world.contributor).get("/o/acme/p/ALPHA/customers/add/")
    page = response.content.decode()
    assert len(options(page, "existing")) <= 1  # "someone new" only: matches come on search
    assert 'hx-get="/o/acme/p/ALPHA/customers/candidates/"' in page
    assert 'hx-get="/o/acme/register/search/"' in page  # "reports to" and "represents"
    assert len(response.content) < 60_000


def test_choosing_a_searched_party_adds_it_to_the_project(world, client_for):
    fill_register(world, SHORT_LIST + 10)
    client = client_for(world.contributor)
    found = client.get("/o/acme/p/ALPHA/customers/candidates/?q=person 0042").content.decode()
    party = Party.objects.get(name="Person 0042")
    assert found == f'<option value="{party.pk}">Person 0042 (Initech)</option>'
    response = client.post("/o/acme/p/ALPHA/customers/add/", {"existing": party.pk})
    assert response.status_code == 302
    assert ProjectStakeholder.objects.filter(project=world.alpha, party=party).exists()


def test_the_search_matches_name_organisation_and_title_and_answers_a_few(world, client_for):
    fill_register(world, 100)
    services.party_create(actor=world.owner, org=world.acme, name="Zed", title="Chief buyer")
    client = client_for(world.member)
    by_title = client.get("/o/acme/register/search/?q=BUYER").content.decode()
    assert ">Zed<" in by_title
    by_organisation = client.get("/o/acme/register/search/?q=initech").content.decode()
    assert by_organisation.count("<option") == SEARCH_LIMIT
    nobody = client.get("/o/acme/register/search/?q=nobody-like-this").content.decode()
    assert "Nobody in the register matches “nobody-like-this”" in nobody and "disabled" in nobody


def test_candidates_leave_out_parties_already_on_the_project(world, client_for):
    services.stakeholder_add(
        actor=world.manager, project=world.alpha, new_party={"name": "Already Here"}
    )
    services.party_create(actor=world.owner, org=world.acme, name="Already Free")
    found = client_for(world.contributor).get("/o/acme/p/ALPHA/customers/candidates/?q=already")
    assert b"Already Free" in found.content and b"Already Here" not in found.content


def test_outsiders_find_nothing_and_viewers_cannot_pick_candidates(world, client_for):
    services.party_create(actor=world.owner, org=world.acme, name="Secret Sam")
    outsider = client_for(world.outsider)
    assert outsider.get("/o/acme/register/search/?q=sam").status_code == 404
    assert outsider.get("/o/acme/p/ALPHA/customers/candidates/?q=sam").status_code == 404
    assert client_for(world.viewer).get("/o/acme/p/ALPHA/customers/candidates/").status_code == 403


def test_a_search_costs_the_same_queries_in_a_large_register(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.contributor)
    fill_register(world, 10)
    with django_assert_max_num_queries(8) as few:
        client.get("/o/acme/p/ALPHA/customers/candidates/?q=per")
    small_count = len(few.captured_queries)
    fill_register(world, 2000, prefix="Other")
    with django_assert_max_num_queries(small_count):
        client.get("/o/acme/p/ALPHA/customers/candidates/?q=per")


def test_the_sponsors_target_picks_who_stated_it_from_a_long_register(world, client_for):
    fill_register(world, SHORT_LIST + 10)
    client = client_for(world.manager)
    page = client.get("/o/acme/p/ALPHA/estimates/target/").content.decode()
    assert 'hx-get="/o/acme/register/search/"' in page
    assert len(options(page, "stated_by")) <= 1
