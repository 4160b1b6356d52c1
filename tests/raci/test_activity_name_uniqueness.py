"""One activity per name in a project, however it is written, kept by the database."""

import importlib
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rapport.raci import services
from rapport.raci.models import Activity

upgrade = importlib.import_module("rapport.raci.migrations.0004_unique_names_in_the_database")


def test_a_name_differing_only_in_case_accents_or_spacing_is_refused_with_the_other_spelling(
    world,
):
    services.activity_create(actor=world.manager, project=world.alpha, name="Go-live")

    with pytest.raises(ValidationError) as refused:
        services.activity_create(actor=world.manager, project=world.alpha, name="  GÓ-LIVE ")

    assert refused.value.message_dict == {
        "name": ["ALPHA already has an activity called “Go-live”: use another name."]
    }


def test_the_database_refuses_a_second_spelling_even_past_the_service(world):
    Activity.objects.create(project=world.alpha, name="Go-live", position=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.bulk_create([Activity(project=world.alpha, name="  GO-live ", position=2)])


def test_renaming_keeps_the_key_in_step_with_the_name(world):
    activity = services.activity_create(actor=world.manager, project=world.alpha, name="Build")
    services.activity_update(actor=world.manager, activity=activity, name="Test")

    services.activity_create(actor=world.manager, project=world.alpha, name="build")  # free now
    assert Activity.objects.get(pk=activity.pk).name_key == "test"


def test_checking_a_new_name_costs_the_same_however_many_activities_the_project_has(
    world, django_assert_max_num_queries
):
    Activity.objects.bulk_create(
        Activity(project=world.alpha, name=f"Task {n}", position=n) for n in range(2000)
    )
    # Two of these take the project's RACI lock (services.matrix_lock).
    with django_assert_max_num_queries(14) as few:
        services.activity_create(actor=world.manager, project=world.alpha, name="One more")
    # the name is looked up through the constraint's index, not by reading every name
    lookups = [q["sql"] for q in few.captured_queries if '"name" FROM "raci_activity"' in q["sql"]]
    assert lookups and all('"name_key" =' in sql and "LIMIT 1" in sql for sql in lookups)


def test_the_upgrade_numbers_names_that_read_alike_and_keeps_the_first():
    rows = [
        SimpleNamespace(project_id=1, name="Go-live"),
        SimpleNamespace(project_id=1, name="GO-LIVE"),
        SimpleNamespace(project_id=1, name="go-live (2)"),
        SimpleNamespace(project_id=1, name="go live"),
        SimpleNamespace(project_id=2, name="go-live"),
    ]

    renamed = list(upgrade._tell_apart(rows, upgrade._normalise, 300))

    assert [r.name for r in rows] == [
        "Go-live",
        "GO-LIVE (2)",
        "go-live (2) (2)",
        "go live",
        "go-live",
    ]
    assert [r.name for r in renamed] == ["GO-LIVE (2)", "go-live (2) (2)"]
    assert len({(r.project_id, r.new_key) for r in rows}) == len(rows)
