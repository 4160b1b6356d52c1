"""Key customers (power or interest 4 or more) not heard from in N weeks are listed."""

from datetime import date

from rapport.relations import rules, selectors, services


def test_the_rule_lists_the_never_contacted_first_then_the_longest_silence():
    today = date(2026, 12, 1)
    contacts = [("recent", date(2026, 11, 20)), ("old", date(2026, 9, 1)), ("never", None)]
    assert rules.not_heard_from(contacts, today=today, weeks=4) == [
        ("never", None),
        ("old", date(2026, 9, 1)),
    ]
    # exactly N weeks ago still counts as heard from
    assert rules.not_heard_from([("edge", date(2026, 11, 3))], today=today, weeks=4) == []


def test_only_key_customers_are_listed_and_a_contact_takes_them_off(world, people):
    kim, pat = people
    today = date(2026, 12, 1)
    assert [s.party.name for s in selectors.not_heard_from(world.alpha, today=today)] == [
        "Kim Key"
    ]  # Pat is not key
    services.interaction_record(
        actor=world.manager,
        project=world.alpha,
        stakeholder=kim,
        kind="call",
        date=date(2026, 11, 25),
        subject="Check-in",
    )
    assert selectors.not_heard_from(world.alpha, today=today) == []
    later = date(2027, 1, 1)
    (silent,) = selectors.not_heard_from(world.alpha, today=later)
    assert silent.last_contact == date(2026, 11, 25)


def test_the_weeks_come_from_the_setting_and_the_page_lists_them(
    world, people, client_for, settings
):
    settings.RAPPORT_NOT_HEARD_FROM_WEEKS = 6
    page = client_for(world.viewer).get("/o/acme/p/ALPHA/customers/interactions/")
    text = page.content.decode()
    assert "Not heard from in 6 weeks" in text and "Kim Key" in text
    assert "no contact recorded" in text


def test_the_api_lists_them_with_the_weeks(world, people, client_for):
    body = client_for(world.viewer).get(
        f"/api/v1/projects/{world.alpha.pk}/not-heard-from", {"weeks": 2}
    )
    assert body.json() == {
        "weeks": 2,
        "stakeholders": [
            {
                "stakeholder_id": people[0].pk,
                "party_id": people[0].party_id,
                "name": "Kim Key",
                "power": 3,
                "interest": 5,
                "last_contact": None,
            }
        ],
    }
