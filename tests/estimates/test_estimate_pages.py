"""The estimate pages: enter ranges, run, see the contingency line, compare and restore versions;
errors in place; query counts constant as activities grow."""

import pytest

from rapport.estimates import services
from rapport.estimates.models import ActivityEstimate, Dependency, EstimateVersion, SimulationRun
from tests.estimates.factories import activities, estimated_network, with_start

pytestmark = pytest.mark.django_db
PAGE = "/o/acme/p/ALPHA/estimates/"


def sheet_data(made, values, reason="Workshop"):
    data = {"reason": reason}
    for name, (d, c) in values.items():
        pk = made[name].pk
        for what, points in (("duration", d), ("cost", c)):
            for part, v in zip(("optimistic", "most_likely", "pessimistic"), points, strict=True):
                data[f"{pk}-{what}_{part}"] = v
    return data


def test_a_contributor_enters_three_point_estimates_on_the_sheet(world, client_for):
    made = activities(world, ["Design", "Build", "Later"])
    response = client_for(world.contributor).post(
        PAGE + "sheet/",
        sheet_data(
            made, {"Design": ((1, 2, 4), (100, 200, 400)), "Build": ((3, 5, 9), (1000, 1500, 3000))}
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith("#activities")
    assert ActivityEstimate.objects.count() == 2  # "Later" left empty stays unestimated
    assert EstimateVersion.objects.get().reason == "Workshop"


def test_the_sheet_shows_each_bad_number_next_to_it_and_saves_nothing(world, client_for):
    made = activities(world, ["Design", "Build"])
    data = sheet_data(
        made, {"Design": ((4, 2, 1), (100, 200, 400)), "Build": ((3, 5, 9), (-1000, 1500, 3000))}
    )
    data[f"{made['Build'].pk}-duration_pessimistic"] = ""
    page = client_for(world.contributor).post(PAGE + "sheet/", data)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Build: give all six numbers, or none to leave it unestimated." in text
    data[f"{made['Build'].pk}-duration_pessimistic"] = "9"
    text = client_for(world.contributor).post(PAGE + "sheet/", data).content.decode()
    assert "Design: duration most likely (2) is less than optimistic (4)" in text
    assert "Build: cost optimistic is negative (-1000)" in text
    assert not ActivityEstimate.objects.exists()


def test_the_activity_page_records_the_basis_and_refuses_a_cycle_by_name(world, client_for):
    made = estimated_network(world)
    client = client_for(world.contributor)
    design = made["Design"]
    page = client.post(
        PAGE + f"activities/{design.pk}/",
        {
            "duration_optimistic": "5",
            "duration_most_likely": "8",
            "duration_pessimistic": "14",
            "cost_optimistic": "4000",
            "cost_most_likely": "6000",
            "cost_pessimistic": "9000",
            "method": "analogous",
            "assumptions": "Same team as 2024",
            "source": "2024 portal",
            "estimated_by": str(world.contributor.pk),
            "predecessors": [str(made["Go-live"].pk)],
            "reason": "Loop",
        },
    )
    assert page.status_code == 200
    assert "dependency cycle: Design → Build → Test → Go-live → Design" in page.content.decode()
    assert not Dependency.objects.filter(successor=design).exists()
    client.post(
        PAGE + f"activities/{design.pk}/",
        {
            "duration_optimistic": "5",
            "duration_most_likely": "8",
            "duration_pessimistic": "14",
            "cost_optimistic": "4000",
            "cost_most_likely": "6000",
            "cost_pessimistic": "9000",
            "method": "analogous",
            "assumptions": "Same team as 2024",
            "source": "2024 portal",
            "estimated_by": str(world.contributor.pk),
            "reason": "Basis written down",
        },
    )
    design.estimate.refresh_from_db()
    assert (design.estimate.method, design.estimate.source) == ("analogous", "2024 portal")


def test_a_manager_runs_the_simulation_and_sees_contingency_as_its_own_line(world, client_for):
    with_start(world)
    estimated_network(world)
    client = client_for(world.manager)
    response = client.post(
        PAGE + "run/",
        {"iterations": "2000", "confidence": "0.8", "distribution": "pert", "seed": "5"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#results")
    run = SimulationRun.objects.get()
    text = client.get(PAGE).content.decode()
    assert '<tr class="contingency"><th scope="row">Contingency to reach P80' in text
    assert "Base estimate (most likely values)" in text and "Estimate at P80" in text
    assert f"seed <strong>{run.seed}</strong>" in text
    assert text.count('role="img"') == 4  # two S-curves and two tornado charts
    assert "The S-curves as a table" in text


def test_bad_run_settings_come_back_as_messages(world, client_for):
    estimated_network(world)
    client = client_for(world.manager)
    client.post(PAGE + "run/", {"iterations": "5", "confidence": "0.8", "distribution": "pert"})
    text = client.get(PAGE).content.decode()
    assert "Iterations: Ensure this value is greater than or equal to 100." in text
    assert not SimulationRun.objects.exists()


def test_only_managers_run_and_contributors_do_not_see_the_run_form(world, client_for):
    estimated_network(world)
    assert (
        client_for(world.contributor).post(PAGE + "run/", {"iterations": "200"}).status_code == 403
    )
    assert "Run simulation" not in client_for(world.contributor).get(PAGE).content.decode()


def test_versions_compare_and_restore_on_the_pages(world, client_for):
    made = activities(world, ["Build"])
    for reason, d in (("First", [1, 2, 3]), ("Second", [2, 3, 4])):
        services.estimate_set(
            actor=world.manager, activity=made["Build"], reason=reason, duration=d, cost=[1, 1, 1]
        )
    client = client_for(world.manager)
    listing = client.get(PAGE + "versions/").content.decode()
    assert "First" in listing and "Second" in listing
    compared = client.get(PAGE + "versions/compare/?from=1&to=2").content.decode()
    assert "<td>1 / 2 / 3</td><td>2 / 3 / 4</td>" in compared
    assert client.get(PAGE + "versions/1/restore/").status_code == 200
    response = client.post(PAGE + "versions/1/restore/", {"reason": "Too pessimistic"})
    assert response.status_code == 302
    assert "Restores version 1." in client.get(PAGE + "versions/").content.decode()
    assert (
        client.get(PAGE + "versions/compare/?from=1&to=3")
        .content.decode()
        .count("hold the same estimate")
        == 1
    )


def test_compare_with_missing_or_unknown_versions(world, client_for):
    client = client_for(world.viewer)
    assert client.get(PAGE + "versions/compare/").status_code == 302
    assert client.get(PAGE + "versions/compare/?from=1&to=9").status_code == 404


def test_adding_an_activity_from_the_estimates_page(world, client_for):
    response = client_for(world.contributor).post(
        PAGE + "activities/add/", {"name": "Write the runbook"}
    )
    assert response.status_code == 302 and "/activities/" in response["Location"]
    assert world.alpha.activities.get().name == "Write the runbook"
    # the first activity has nothing to depend on yet, and the page says so
    page = client_for(world.contributor).get(response["Location"]).content.decode()
    assert "No other activities yet: this one starts at the project start." in page


def test_pages_cost_the_same_queries_however_many_activities(
    world, client_for, django_assert_max_num_queries
):
    with_start(world)
    client = client_for(world.manager)

    def grow(n, start):
        made = activities(world, [f"A{start + i}" for i in range(n)])
        services.estimates_set_many(
            actor=world.manager,
            project=world.alpha,
            reason="grow",
            rows=[{"activity": a, "duration": [1, 2, 3], "cost": [1, 2, 3]} for a in made.values()],
        )
        names = list(made.values())
        for later, earlier in zip(names[1:], names, strict=False):
            services.dependencies_set(
                actor=world.manager, activity=later, predecessors=[earlier], reason="chain"
            )
        services.simulation_run(actor=world.manager, project=world.alpha, iterations=200, seed=1)

    grow(3, 0)
    urls = [PAGE, PAGE + "sheet/", PAGE + "versions/"]
    counts = {}
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(30) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    grow(25, 3)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_an_organisation_owner_without_a_project_role_can_estimate_as_themselves(world, client_for):
    build = activities(world, ["Build"])["Build"]
    response = client_for(world.owner).post(
        PAGE + f"activities/{build.pk}/",
        {
            "duration_optimistic": "1",
            "duration_most_likely": "2",
            "duration_pessimistic": "3",
            "cost_optimistic": "1",
            "cost_most_likely": "2",
            "cost_pessimistic": "3",
            "method": "expert",
            "estimated_by": str(world.owner.pk),
            "reason": "Owner's view",
        },
    )
    assert response.status_code == 302
    assert ActivityEstimate.objects.get().estimated_by == world.owner


def test_the_sheet_shows_saved_numbers_as_people_type_them(world, client_for):
    build = activities(world, ["Build"])["Build"]
    services.estimate_set(
        actor=world.manager,
        activity=build,
        reason="r",
        duration=[10, 12.5, 20],
        cost=[20000, 25000, 40000],
    )
    text = client_for(world.contributor).get(PAGE + "sheet/").content.decode()
    assert f'name="{build.pk}-duration_optimistic" value="10"' in text
    assert f'name="{build.pk}-duration_most_likely" value="12.5"' in text
    assert f'name="{build.pk}-cost_optimistic" value="20000"' in text
