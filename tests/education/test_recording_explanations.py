"""Recording what was explained to whom, and each one's understanding afterwards."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.education import rules, selectors, services
from rapport.education.models import Explanation, Topic


def test_the_catalogue_is_seeded_with_the_default_topics_on_first_read(world):
    names = [t.name for t in selectors.topic_list(world.acme)]
    assert names == [name for name, *_ in rules.DEFAULT_TOPICS]
    assert selectors.topic_list(world.acme).count() == len(rules.DEFAULT_TOPICS)  # once


def test_a_topic_name_is_unique_in_the_organisation_whatever_its_case(world, topics):
    with pytest.raises(ValidationError) as refused:
        services.topic_create(actor=world.manager, org=world.acme, name="sql ")
    assert "There is a topic “SQL” already." in refused.value.message_dict["name"]


def test_an_explanation_records_each_stakeholders_understanding(world, people, topics):
    bea, sam = people
    services.explanation_record(
        actor=world.manager,
        project=world.alpha,
        topic=topics["SQL"],
        audience={bea: "partly", sam: "understood"},
        explained_on=date(2026, 11, 2),
    )
    cells = selectors.understanding_of([bea.pk, sam.pk])
    assert cells[(topics["SQL"].pk, bea.pk)]["label"] == "Partly"
    assert cells[(topics["SQL"].pk, sam.pk)]["understanding"] == "understood"
    assert LogEntry.objects.filter(object_repr__startswith="SQL on").exists()


def test_a_later_explanation_replaces_the_understanding_in_the_grid(world, people, topics):
    bea, _ = people
    for day, understanding in ((2, "not_yet"), (9, "understood")):
        services.explanation_record(
            actor=world.manager,
            project=world.alpha,
            topic=topics["SQL"],
            audience={bea: understanding},
            explained_on=date(2026, 11, day),
        )
    [row] = selectors.understanding_grid(world.alpha, [bea], [topics["SQL"], topics["Security"]])
    assert row["cells"][0]["understanding"] == "understood" and row["cells"][1] is None


def test_the_page_records_an_explanation_and_shows_the_grid(world, people, topics, client_for):
    bea, sam = people
    client = client_for(world.contributor)
    response = client.post(
        "/o/acme/p/ALPHA/relationship/education/new/",
        {
            "topic": topics["Security"].pk,
            "explained_on": "2026-11-20",
            "stakeholders": [bea.pk, sam.pk],
            "understanding": "partly",
            "notes": "",
        },
    )
    assert response.status_code == 302
    page = client.get("/o/acme/p/ALPHA/relationship/education/").content.decode()
    assert "Who has seen what" in page and "Partly" in page and "Bea Business" in page


def test_the_edit_page_changes_one_persons_understanding(world, people, topics, client_for):
    bea, sam = people
    explanation = services.explanation_record(
        actor=world.manager,
        project=world.alpha,
        topic=topics["SQL"],
        audience=[bea, sam],
        explained_on=date(2026, 11, 2),
    )
    client = client_for(world.contributor)
    response = client.post(
        f"/o/acme/p/ALPHA/relationship/education/{explanation.pk}/edit/",
        {
            "topic": topics["SQL"].pk,
            "explained_on": "2026-11-02",
            "stakeholders": [bea.pk, sam.pk],
            f"understanding_{bea.pk}": "understood",
            f"understanding_{sam.pk}": "not_yet",
        },
    )
    assert response.status_code == 302
    rows = {a.stakeholder_id: a.understanding for a in explanation.audience.all()}
    assert rows == {bea.pk: "understood", sam.pk: "not_yet"}


def test_a_stakeholder_of_another_project_is_refused_and_nothing_is_recorded(world, people, topics):
    from rapport.stakeholders import services as stakeholders

    theirs = stakeholders.stakeholder_add(
        actor=world.outsider, project=world.omega, new_party={"name": "Spy"}
    )
    with pytest.raises(ValidationError) as refused:
        services.explanation_record(
            actor=world.manager,
            project=world.alpha,
            topic=topics["SQL"],
            audience=[people[0], theirs],
            explained_on=date(2026, 11, 2),
        )
    assert "stakeholders" in refused.value.message_dict
    assert not Explanation.objects.exists()


def test_a_topic_that_was_explained_cannot_be_removed(world, people, topics):
    services.explanation_record(
        actor=world.manager,
        project=world.alpha,
        topic=topics["SQL"],
        audience=[people[0]],
        explained_on=date(2026, 11, 2),
    )
    with pytest.raises(ValidationError, match="rename it instead"):
        services.topic_delete(actor=world.manager, topic=topics["SQL"])
    assert Topic.objects.filter(pk=topics["SQL"].pk).exists()


def test_a_manager_edits_the_catalogue_a_contributor_may_not(world, topics, client_for):
    url = "/o/acme/p/ALPHA/relationship/education/topics/"
    assert client_for(world.contributor).post(url, {"name": "Cloud"}).status_code == 403
    response = client_for(world.manager).post(
        url, {"name": "Cloud costs", "restate": "What the bill pays for.", "keywords": "cloud"}
    )
    assert response.status_code == 302
    assert Topic.objects.filter(org=world.acme, name="Cloud costs").exists()


def test_the_api_records_and_lists_explanations(world, people, topics, client_for):
    bea, _ = people
    client = client_for(world.contributor)
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/explanations",
        {
            "topic_id": topics["SQL"].pk,
            "explained_on": "2026-11-20",
            "audience": [{"stakeholder_id": bea.pk, "understanding": "partly"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["audience"] == [
        {"stakeholder_id": bea.pk, "name": "Bea Business", "understanding": "partly"}
    ]
    body = client.get(f"/api/v1/projects/{world.alpha.pk}/explanations").json()
    assert body["count"] == 1


def test_bad_input_to_the_api_names_the_field_and_changes_nothing(
    world, people, topics, client_for
):
    client = client_for(world.contributor)
    url = f"/api/v1/projects/{world.alpha.pk}/explanations"
    bea, _ = people
    cases = [
        (
            {
                "topic_id": 999999,
                "explained_on": "2026-11-20",
                "audience": [{"stakeholder_id": bea.pk}],
            },
            "topic_id",
        ),
        ({"topic_id": topics["SQL"].pk, "explained_on": "2026-11-20", "audience": []}, "audience"),
        (
            {
                "topic_id": topics["SQL"].pk,
                "explained_on": "yesterday",
                "audience": [{"stakeholder_id": bea.pk}],
            },
            "explained_on",
        ),
        (
            {
                "topic_id": topics["SQL"].pk,
                "explained_on": "2026-11-20",
                "audience": [{"stakeholder_id": bea.pk, "understanding": "totally"}],
            },
            "understanding",
        ),
        (
            {
                "topic_id": topics["SQL"].pk,
                "explained_on": "2026-11-20",
                "audience": [{"stakeholder_id": bea.pk}],
                "meeting_id": 424242,
            },
            "meeting_id",
        ),
    ]
    for body, field in cases:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in (400, 422), body
        assert field in response.content.decode(), (field, response.content)
    assert not Explanation.objects.exists()


def test_the_page_links_an_explanation_to_a_meeting_of_the_project(
    world, people, topics, client_for
):
    from django.utils import timezone

    from rapport.meetings.models import Meeting

    meeting = Meeting.objects.create(
        project=world.alpha, title="Weekly status", starts_at=timezone.now()
    )
    bea, _ = people
    response = client_for(world.contributor).post(
        "/o/acme/p/ALPHA/relationship/education/new/",
        {
            "topic": topics["SQL"].pk,
            "explained_on": "2026-11-20",
            "meeting": meeting.pk,
            "stakeholders": [bea.pk],
            "understanding": "understood",
        },
    )
    assert response.status_code == 302
    assert Explanation.objects.get().meeting == meeting
