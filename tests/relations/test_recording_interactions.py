"""Recording, changing and deleting interactions with a project's stakeholders: on the page and
through the services, in the history, and refused with a clear error when they do not fit."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from rapport.relations import services
from rapport.relations.models import Interaction
from rapport.stakeholders import services as stakeholders

LIST = "/o/acme/p/ALPHA/customers/interactions/"


def test_a_contributor_records_an_interaction_on_the_page_and_sees_it_listed(
    world, people, client_for
):
    kim, _ = people
    client = client_for(world.contributor)
    answer = client.post(
        LIST + "new/",
        {
            "stakeholder": kim.pk,
            "kind": "visit",
            "date": "2026-11-20",
            "team_member": world.contributor.pk,
            "subject": "Walked through the new invoice screen",
            "follow_up": "Send the training dates",
            "follow_up_due": "2026-11-27",
        },
    )
    assert answer.status_code == 302
    listed = client.get(LIST).content.decode()
    assert "Walked through the new invoice screen" in listed
    assert "Kim Key" in listed and "Visit" in listed and "due 27 Nov 2026" in listed
    interaction = Interaction.objects.get()
    entry = LogEntry.objects.get_for_object(interaction).get()
    assert entry.actor == world.contributor


def test_an_interaction_is_changed_and_deleted_with_history(world, people):
    kim, pat = people
    call = services.interaction_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=kim,
        kind="call",
        date=date(2026, 11, 2),
        subject="Budget",
    )
    pk = call.pk
    services.interaction_update(actor=world.contributor, interaction=call, stakeholder=pat)
    assert Interaction.objects.get().stakeholder == pat
    services.interaction_delete(actor=world.contributor, interaction=call)
    assert not Interaction.objects.exists()
    history = LogEntry.objects.filter(
        object_pk=str(pk), content_type__model="interaction"
    ).order_by("pk")
    assert [(e.action, e.actor) for e in history] == [
        (LogEntry.Action.CREATE, world.manager),
        (LogEntry.Action.UPDATE, world.contributor),
        (LogEntry.Action.DELETE, world.contributor),
    ]


def test_a_follow_up_date_without_saying_what_is_refused_and_nothing_is_saved(
    world, people, client_for
):
    kim, _ = people
    answer = client_for(world.contributor).post(
        LIST + "new/",
        {
            "stakeholder": kim.pk,
            "kind": "call",
            "date": "2026-11-20",
            "subject": "Budget",
            "follow_up_due": "2026-11-27",
        },
    )
    assert answer.status_code == 200
    assert "Say what to follow up, or leave the due date empty." in answer.content.decode()
    assert not Interaction.objects.exists()


def test_a_stakeholder_of_another_project_is_refused(world, people):
    other = stakeholders.stakeholder_add(
        actor=world.outsider, project=world.omega, new_party={"name": "Gus Globex"}
    )
    with pytest.raises(ValidationError, match="Choose a stakeholder of this project"):
        services.interaction_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=other,
            kind="call",
            date=date(2026, 11, 2),
            subject="Budget",
        )
    assert not Interaction.objects.exists()


def test_someone_outside_the_organisation_cannot_be_the_team_member(world, people):
    kim, _ = people
    with pytest.raises(ValidationError, match="Choose someone in this organisation"):
        services.interaction_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=kim,
            kind="call",
            date=date(2026, 11, 2),
            subject="Budget",
            team_member=world.outsider,
        )


def test_the_list_is_newest_first_and_filters_by_stakeholder(world, people, client_for):
    kim, pat = people
    for day, who, subject in [(3, kim, "Older with Kim"), (9, pat, "With Pat"), (5, kim, "Newer")]:
        services.interaction_record(
            actor=world.manager,
            project=world.alpha,
            stakeholder=who,
            kind="email",
            date=date(2026, 11, day),
            subject=subject,
        )
    client = client_for(world.viewer)
    page = client.get(LIST).content.decode()
    assert page.index("With Pat") < page.index("Newer") < page.index("Older with Kim")
    only_kim = client.get(LIST, {"stakeholder": kim.pk}).content.decode()
    assert "Newer" in only_kim and "Older with Kim" in only_kim and "With Pat" not in only_kim
