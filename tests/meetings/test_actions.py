"""Actions: owner (a team member or a stakeholder), due date, open / done / dropped."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rapport.meetings import selectors, services
from rapport.meetings.models import Action


def test_open_actions_come_first_by_due_date(world, people):
    make = lambda text, due: services.action_create(  # noqa: E731
        actor=world.manager, project=world.alpha, text=text, due=due, owner_user=world.manager
    )
    late = make("Late", date(2026, 12, 1))
    soon = make("Soon", date(2026, 11, 1))
    undated = make("Undated", None)
    done = make("Done", date(2026, 10, 1))
    services.action_close(actor=world.manager, action=done)
    assert list(selectors.action_list(world.alpha)) == [soon, late, undated, done]
    done.refresh_from_db()
    assert done.status == "done" and done.closed_at is not None
    services.action_update(actor=world.manager, action=done, status="open")
    done.refresh_from_db()
    assert done.closed_at is None


def test_an_action_has_one_owner(world, people):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=world.manager,
            project=world.alpha,
            text="Two owners",
            owner_user=world.manager,
            owner_stakeholder=people[0],
        )
    assert "owner_user" in error.value.message_dict
    with pytest.raises(IntegrityError):
        Action.objects.create(
            project=world.alpha, text="x", owner_user=world.manager, owner_stakeholder=people[0]
        )


def test_an_owner_from_another_organisation_is_refused(world, people):
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=world.manager, project=world.alpha, text="x", owner_user=world.outsider
        )
    assert "owner_user" in error.value.message_dict
    assert not Action.objects.exists()


def test_closing_means_done_or_dropped(world, people):
    action = services.action_create(
        actor=world.manager, project=world.alpha, text="Call", owner_stakeholder=people[0]
    )
    with pytest.raises(ValidationError):
        services.action_close(actor=world.manager, action=action, status="open")
    services.action_close(actor=world.manager, action=action, status="dropped")
    action.refresh_from_db()
    assert action.status == "dropped" and action.owner_name == "Bea Business"
    assert list(selectors.open_actions_of(people[0])) == []
