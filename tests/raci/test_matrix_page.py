"""The matrix page: the table, its filters and pages, grouping by outcome, and a query count that
does not grow with the matrix."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.projects import services as projects
from rapport.raci import services
from rapport.raci.models import RaciSettings
from rapport.stakeholders import services as stakeholders
from tests.raci.factories import build_matrix

pytestmark = pytest.mark.django_db

URL = "/o/acme/p/ALPHA/raci/"


def table(page: str) -> str:
    return page.split('id="raci-grid"')[1].split("</table>")[0]


def column_names(page: str) -> list[str]:
    return re.findall(
        r'<th scope="col" id="p\d+"[^>]*>(?:<span class="mark"[^>]*>[^<]*</span>)?<span>([^<]+)</span>',
        page,
    )


def test_the_matrix_is_a_table_with_a_header_per_party_and_a_row_per_activity(
    world, small, client_for
):
    a, p = small["activities"], small["parties"]
    services.raci_assign(actor=world.manager, activity=a["golive"], party=p["ann"], letter="A")
    services.raci_assign(actor=world.manager, activity=a["golive"], party=p["carla"], letter="I")

    page = client_for(world.viewer).get(URL).content.decode()

    assert '<table id="raci-grid" class="raci" role="grid"' in page
    assert 'aria-readonly="true"' in page  # a viewer reads
    assert column_names(page) == ["Ann Lee", "Bob Ng", "Carla Díaz", "Finance"]
    assert re.search(
        rf'<tr data-a="{a["golive"].pk}"><th scope="row" id="a{a["golive"].pk}">Go-live decision',
        page,
    )
    row = page.split(f'id="a{a["golive"].pk}"')[1].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["A", "", "I", ""]
    assert 'class="lA"' in row and 'class="lI"' in row
    assert "★" in page  # Carla is a customer
    assert page.count('tabindex="0"') == 1  # one cell in the tab order


def test_contributors_get_an_editable_grid_with_the_letter_palette(world, small, client_for):
    page = client_for(world.contributor).get(URL).content.decode()
    assert 'aria-readonly="false"' in page
    assert 'data-raci-letter="R"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "raci/matrix.js" in page


def test_an_accountable_who_does_the_work_shows_as_a_r(world, small, client_for):
    golive, ann = small["activities"]["golive"], small["parties"]["ann"]
    services.activity_update(actor=world.manager, activity=golive, accountable_does_work=True)
    services.raci_assign(actor=world.manager, activity=golive, party=ann, letter="A")
    page = client_for(world.viewer).get(URL).content.decode()
    assert '<td class="lA">A/R</td>' in page


def test_filters_narrow_the_rows_to_a_phase_and_the_columns_to_matching_parties(
    world, small, client_for
):
    other = services.phase_create(actor=world.manager, project=world.alpha, name="Run")
    services.activity_create(actor=world.manager, project=world.alpha, name="Monitor", phase=other)
    client = client_for(world.viewer)

    page = client.get(URL, {"phase": other.pk, "q": "LEE"}).content.decode()
    assert "Monitor" in table(page) and "Build the portal" not in table(page)
    assert column_names(page) == ["Ann Lee"]

    customers = client.get(URL, {"who": "customers"}).content.decode()
    assert column_names(customers) == ["Carla Díaz"]
    groups = client.get(URL, {"who": "groups", "q": "diaz"}).content.decode()
    assert "No party matches the filter" in groups


@pytest.mark.parametrize(
    "query",
    [
        {"phase": "x"},
        {"phase": "999999"},
        {"rows": "-5"},
        {"page": "abc"},
        {"who": "<script>"},
        {"at": "zz"},
    ],
)
def test_bad_filter_values_fall_back_to_the_defaults(world, small, client_for, query):
    response = client_for(world.viewer).get(URL, query)
    assert response.status_code == 200
    assert "Build the portal" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_rows_are_paged_and_a_finding_link_opens_the_page_of_its_activity(world, client_for):
    ids, _ = build_matrix(world.alpha, activities=230, parties=5, letters=230)
    client = client_for(world.viewer)

    first = client.get(URL).content.decode()
    assert "Page 1 of 3" in first and "Activity 00000" in first and "Activity 00150" not in first

    jumped = client.get(URL, {"at": ids[150]}).content.decode()
    assert "Page 2 of 3" in jumped and "Activity 00150" in jumped

    everything = client.get(URL, {"rows": "all"}).content.decode()
    assert "Activity 00229" in everything and "Page 1 of" not in everything


def test_the_matrix_can_be_grouped_by_the_outcome_each_activity_serves(world, small, client_for):
    a = small["activities"]
    faster = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Faster answers"
    )
    stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Nobody works on this"
    )
    services.activity_outcomes_set(actor=world.manager, activity=a["build"], outcomes=[faster])

    page = client_for(world.viewer).get(URL, {"group": "outcome"}).content.decode()

    groups = re.findall(r'<th scope="rowgroup"[^>]*>([^<]+)</th>', page)
    assert groups == [
        "Outcome: Faster answers",
        "Outcome: Nobody works on this",
        "Serves no outcome yet",
    ]
    faster_group = page.split("Outcome: Faster answers")[1].split("Outcome: Nobody")[0]
    assert "Build the portal" in faster_group and "Train users" not in faster_group
    assert "No activity here yet." in page
    assert "outcome-not-served" in page  # the finding beside the matrix


def test_findings_are_shown_beside_the_matrix_with_links_to_their_rows(world, small, client_for):
    page = client_for(world.viewer).get(URL).content.decode()
    panel = page.split('id="raci-findings"')[1]
    build = small["activities"]["build"]
    assert "no-accountable" in panel
    assert f"?at={build.pk}#a{build.pk}" in panel
    assert "key-customer-not-informed" in panel  # Carla, power 5, is on nothing
    assert 'data-errors="3"' in panel


def test_thresholds_change_the_findings(world, small, client_for):
    a, p = small["activities"], small["parties"]
    for name in ("Dan", "Eve", "Fay"):
        party = stakeholders.party_create(actor=world.manager, org=world.acme, name=name)
        services.raci_party_add(actor=world.manager, project=world.alpha, party=party)
        services.raci_assign(actor=world.manager, activity=a["build"], party=party, letter="C")
    services.raci_assign(actor=world.manager, activity=a["build"], party=p["bob"], letter="C")
    client = client_for(world.manager)
    assert "too-many-consulted" not in client.get(URL).content.decode()

    response = client.post(
        URL + "settings/", {"max_consulted": 3, "overload_percent": 30, "key_level": 4}
    )

    assert response.status_code == 302
    assert "too-many-consulted" in client.get(URL).content.decode()


def test_settings_refuse_out_of_range_thresholds(world, client_for):
    client = client_for(world.manager)
    response = client.post(
        URL + "settings/", {"max_consulted": -1, "overload_percent": 0, "key_level": 9}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="error"') == 3
    assert not RaciSettings.objects.filter(project=world.alpha).exists()


def test_a_manager_adds_a_party_of_the_register_as_a_column(world, small, client_for):
    dana = stakeholders.party_create(actor=world.owner, org=world.acme, name="Dana Director")
    client = client_for(world.manager)
    assert "Dana Director" in client.get(URL).content.decode().split('id="add-party"')[1]

    client.post(URL + "parties/add/", {"party": dana.pk})

    assert "Dana Director" in column_names(client.get(URL).content.decode())


def test_the_empty_matrix_says_what_to_do(world, client_for):
    page = client_for(world.manager).get(URL).content.decode()
    assert "No activities yet." in page and "import a colleague" in page


def grow_and_count(world, client, url, **size):
    build_matrix(world.alpha, **size)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?group=outcome", "?rows=all&who=customers"])
def test_the_matrix_page_uses_the_same_number_of_queries_for_a_small_and_a_large_matrix(
    world, client_for, django_assert_max_num_queries, query
):
    client = client_for(world.owner)
    few = grow_and_count(world, client, URL + query, activities=3, parties=3, letters=6, outcomes=2)

    other = projects.project_create(actor=world.owner, org=world.acme, code="BIG", name="Big")
    build_matrix(other, activities=300, parties=60, letters=3000, seed=2, outcomes=40)
    with django_assert_max_num_queries(few):
        response = client.get("/o/acme/p/BIG/raci/" + query)
    assert response.status_code == 200
    assert response.content.count(b"<tr data-a=") >= 100
    if "outcome" in query:  # grouped under the outcomes each activity serves
        assert b"Outcome: Outcome 000" in response.content


def test_saving_a_cell_uses_the_same_number_of_queries_whatever_the_size(world, client_for):
    client = client_for(world.owner)

    def save_first_cell(code, **size):
        project = world.alpha if code == "ALPHA" else None
        if project is None:
            project = projects.project_create(
                actor=world.owner, org=world.acme, code=code, name=code
            )
        _, party_ids = build_matrix(project, **size)
        empty = services.activity_create(actor=world.owner, project=project, name="No letters")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/o/acme/p/{code}/raci/cell/",
                {"activity": empty.pk, "party": party_ids[0], "letter": "c"},
                headers={"x-requested-with": "fetch"},
            )
        assert response.status_code == 200 and response["X-Raci-Letter"] == "C"
        return len(queries)

    few = save_first_cell("ALPHA", activities=3, parties=3, letters=6, outcomes=2)
    many = save_first_cell("BIG", activities=300, parties=60, letters=3000, seed=2, outcomes=40)
    assert many <= few


def test_the_findings_page_and_endpoint_use_the_same_number_of_queries_whatever_the_size(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.owner)
    build_matrix(world.alpha, activities=3, parties=3, letters=6)
    with CaptureQueriesContext(connection) as few:
        client.get(URL + "findings/")
    other = projects.project_create(actor=world.owner, org=world.acme, code="BIG", name="Big")
    build_matrix(other, activities=300, parties=60, letters=3000, seed=2)
    with django_assert_max_num_queries(len(few)):
        assert client.get("/o/acme/p/BIG/raci/findings/").status_code == 200
