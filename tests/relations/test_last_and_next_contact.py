"""A stakeholder's page shows their last contact and their next one (the earliest open
follow-up)."""

from datetime import date

from rapport.relations import selectors, services


def record(world, stakeholder, day, subject, **fields):
    return services.interaction_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=stakeholder,
        kind="call",
        date=date(2026, 11, day),
        subject=subject,
        **fields,
    )


def test_last_is_the_latest_interaction_and_next_the_earliest_open_follow_up(world, people):
    kim, _ = people
    record(world, kim, 2, "Kick-off", follow_up="Send minutes", follow_up_due=date(2026, 11, 30))
    done = record(
        world, kim, 3, "Budget", follow_up="Confirm figures", follow_up_due=date(2026, 11, 10)
    )
    record(world, kim, 4, "Training", follow_up="Book a room", follow_up_due=date(2026, 11, 20))
    services.interaction_update(actor=world.manager, interaction=done, follow_up_done=True)
    contacts = selectors.contacts(kim)
    assert contacts["last"].subject == "Training"
    assert contacts["next"].follow_up == "Book a room"


def test_the_stakeholder_page_shows_last_and_next_contact(world, people, client_for):
    kim, pat = people
    record(world, kim, 4, "Training", follow_up="Book a room", follow_up_due=date(2026, 11, 20))
    page = client_for(world.viewer).get(f"/o/acme/p/ALPHA/customers/{kim.pk}/").content.decode()
    assert "4 Nov 2026: call about Training" in page
    assert "20 Nov 2026: Book a room" in page
    nobody = client_for(world.viewer).get(f"/o/acme/p/ALPHA/customers/{pat.pk}/").content.decode()
    assert "none recorded" in nobody and "no open follow-up" in nobody
