"""The estimates API: the same services, JSON errors naming the field, constant query counts."""

from datetime import date

import pytest

from rapport.accounts import services as accounts
from rapport.estimates import services
from rapport.estimates.models import ActivityEstimate, Dependency, EstimateVersion, SimulationRun
from rapport.projects import services as projects
from tests.estimates.factories import activities, estimated_network, with_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world, client):
    tokens = {}

    def call(method, path, body=None, user=None, project=None):
        user = user or world.manager
        if user.pk not in tokens:
            tokens[user.pk] = accounts.api_token_create(actor=user, name="t")[1]
        url = f"/api/v1/projects/{(project or world.alpha).pk}{path}"
        return getattr(client, method)(
            url,
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}",
        )

    return call


def test_a_pm_estimates_sets_the_target_simulates_and_reads_the_result(world, api):
    with_start(world, start=date(2026, 1, 5))
    made = activities(world, ["Design", "Build"])
    body = {
        "duration": [2, 4, 8],
        "cost": [100, 200, 400],
        "reason": "Workshop",
        "method": "bottom_up",
        "estimated_by": world.contributor.email,
    }
    assert api("put", f"/activities/{made['Design'].pk}/estimate", body).json() == {
        "version": 1,
        "changed": True,
        "skipped": [],
    }
    body.update(predecessors=[made["Design"].pk], reason="Build after design")
    assert api("put", f"/activities/{made['Build'].pk}/estimate", body).json()["version"] == 2
    assert (
        api(
            "put", "/estimate-target", {"finish_date": "2026-01-16", "budget": 350, "reason": "Ask"}
        ).json()["version"]
        == 3
    )

    listed = api("get", "/estimates").json()
    assert listed["version"] == 3 and listed["constraint"]["budget"] == "350.00"
    build = next(a for a in listed["activities"] if a["name"] == "Build")
    assert build["predecessors"] == [made["Design"].pk] and build["estimate"]["duration"] == [
        "2.00",
        "4.00",
        "8.00",
    ]

    run = api("post", "/simulations", {"iterations": 2000, "seed": 3})
    assert run.status_code == 201, run.content
    result = run.json()["result"]
    for key in ("p50", "p80", "p90"):
        assert set(result[key]) == {"finish", "cost"}
    assert set(result["constraint_probability"]) == {"finish", "cost", "both"}
    assert result["contingency"]["confidence"] == 0.8
    assert run.json()["finish_dates"]["base"] == "2026-01-14"  # 8 working days from Monday 5 Jan
    assert api("get", "/simulations/latest", user=world.viewer).json()["seed"] == 3


def test_versions_compare_and_restore_through_the_api(world, api):
    made = activities(world, ["Build"])
    for reason, d in (("First", [1, 2, 3]), ("Second", [1, 2, 9])):
        api(
            "put",
            f"/activities/{made['Build'].pk}/estimate",
            {"duration": d, "cost": [5, 5, 5], "reason": reason},
        )
    listed = api("get", "/estimate-versions").json()["items"]
    assert [v["number"] for v in listed] == [2, 1] and listed[0]["reason"] == "Second"
    assert api("get", "/estimate-versions/1").json()["snapshot"]["activities"][0]["duration"] == [
        "1.00",
        "2.00",
        "3.00",
    ]
    compared = api("get", "/estimate-versions/1/compare").json()
    assert compared["changes"] == [
        {
            "subject": "Build",
            "part": "duration (working days)",
            "before": "1 / 2 / 3",
            "after": "1 / 2 / 9",
        }
    ]
    restored = api("post", "/estimate-versions/1/restore", {"reason": "Too gloomy"}).json()
    assert restored == {"version": 3, "changed": True, "skipped": []}
    assert api("get", "/estimate-versions/1/compare?to=3").json()["same_estimate"] is True


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"duration": [5, 3, 1], "cost": [1, 2, 3], "reason": "r"}, 400, "duration_most_likely"),
        ({"duration": [1, 2, 3], "cost": [-1, 2, 3], "reason": "r"}, 400, "cost_optimistic"),
        ({"duration": [1, 2, 3], "cost": [1, 2, 3], "reason": ""}, 400, "reason"),
        ({"duration": [1, 2], "cost": [1, 2, 3], "reason": "r"}, 400, "duration"),
        ({"duration": ["a", 2, 3], "cost": [1, 2, 3], "reason": "r"}, 422, "duration.0"),
        ({"duration": [1, 2, 3], "cost": [1, 2, 3]}, 422, "reason"),
        (
            {"duration": [1, 2, 3], "cost": [1, 2, 3], "reason": "r", "method": "dice"},
            400,
            "method",
        ),
        (
            {
                "duration": [1, 2, 3],
                "cost": [1, 2, 3],
                "reason": "r",
                "estimated_by": "ghost@x.example",
            },
            400,
            "estimated_by",
        ),
    ],
)
def test_bad_estimates_get_a_json_error_naming_the_field_and_change_nothing(
    world, api, body, status, field
):
    build = activities(world, ["Build"])["Build"]
    response = api("put", f"/activities/{build.pk}/estimate", body)
    assert response.status_code == status, response.content
    assert field in response.json()["fields"]
    assert not ActivityEstimate.objects.exists() and not EstimateVersion.objects.exists()


def test_a_cycle_is_refused_naming_the_activities(world, api):
    made = estimated_network(world)
    response = api(
        "put",
        f"/activities/{made['Design'].pk}/predecessors",
        {"predecessors": [made["Test"].pk], "reason": "Loop"},
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "predecessors": ["dependency cycle: Design → Build → Test → Design"]
    }


def test_another_projects_activity_is_not_found_and_not_named(world, api):
    beta = projects.project_create(actor=world.manager, org=world.acme, code="BETA", name="Beta")
    theirs = activities(world, ["Secret plan"], project=beta)["Secret plan"]
    build = activities(world, ["Build"])["Build"]
    response = api(
        "put", f"/activities/{build.pk}/predecessors", {"predecessors": [theirs.pk], "reason": "r"}
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"predecessors": [f"No activity {theirs.pk} in ALPHA."]}
    assert "Secret" not in response.content.decode() and not Dependency.objects.exists()
    assert (
        api(
            "put",
            f"/activities/{theirs.pk}/estimate",
            {"duration": [1, 1, 1], "cost": [1, 1, 1], "reason": "r"},
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"iterations": 5}, "iterations"),
        ({"iterations": 10_000_000}, "iterations"),
        ({"seed": -3}, "seed"),
        ({"confidence": 0.999}, "confidence"),
        ({"distribution": "uniform"}, "distribution"),
        ({"iterations": "lots"}, "iterations"),
    ],
)
def test_bad_simulation_settings_are_refused(world, api, body, field):
    estimated_network(world)
    response = api("post", "/simulations", body)
    assert response.status_code in (400, 422) and field in response.json()["fields"]
    assert not SimulationRun.objects.exists()


def test_simulating_nothing_is_a_clear_error(world, api):
    response = api("post", "/simulations", {"iterations": 200})
    assert response.status_code == 400
    assert (
        response.json()["message"]
        == "ALPHA has no activities to simulate yet: add activities and their three-point estimates first."
    )
    assert api("get", "/simulations/latest").status_code == 404


def test_contributors_estimate_but_only_managers_set_the_target_simulate_and_restore(world, api):
    build = activities(world, ["Build"])["Build"]
    ok = api(
        "put",
        f"/activities/{build.pk}/estimate",
        {"duration": [1, 2, 3], "cost": [1, 2, 3], "reason": "r"},
        user=world.contributor,
    )
    assert ok.status_code == 200
    assert (
        api(
            "put", "/estimate-target", {"budget": 5, "reason": "r"}, user=world.contributor
        ).status_code
        == 403
    )
    assert (
        api("post", "/simulations", {"iterations": 200}, user=world.contributor).status_code == 403
    )
    assert (
        api(
            "post", "/estimate-versions/1/restore", {"reason": "r"}, user=world.contributor
        ).status_code
        == 403
    )


def test_list_endpoints_cost_the_same_queries_however_many_activities(
    world, api, django_assert_max_num_queries
):
    def grow(names):
        made = activities(world, names)
        services.estimates_set_many(
            actor=world.manager,
            project=world.alpha,
            reason="grow",
            rows=[
                {"activity": a, "duration": [1, 2, 3], "cost": [1, 2, 3], "predecessors": []}
                for a in made.values()
            ],
        )

    grow(["A", "B"])
    paths = ("/estimates", "/estimate-versions")
    few = {}
    for path in paths:
        api("get", path)
        with django_assert_max_num_queries(20) as counted:
            api("get", path)
        few[path] = len(counted.captured_queries)
    grow([f"C{i}" for i in range(30)])
    for path in paths:
        with django_assert_max_num_queries(few[path]):
            assert api("get", path).status_code == 200
