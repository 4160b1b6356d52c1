"""Promise realism: a promise on the project's finish earlier than the estimate's P80 (or P50)
warns "you are about to over-promise" on the form (confirm to record) and in the API."""

from datetime import date, timedelta

import pytest

from rapport.estimates import services as estimates
from rapport.promises import rules, selectors, services
from rapport.promises.models import Commitment
from tests.estimates.factories import estimated_network, with_start


@pytest.fixture
def estimated(world):
    """ALPHA starts next week, with an estimated network and a simulation run."""
    with_start(world, start=date.today() + timedelta(days=7))
    estimated_network(world)
    estimates.simulation_run(actor=world.manager, project=world.alpha, iterations=2000, seed=3)
    return selectors.finish_date_at(world.alpha, 80)


def test_the_rule_warns_only_when_the_promise_is_earlier_than_the_estimate():
    (finding,) = rules.over_promise_findings(
        promised_date=date(2027, 3, 1), level=80, date_at_level=date(2027, 3, 14)
    )
    assert (finding.code, finding.severity) == ("over-promise", "warning")
    assert finding.message == (
        "You are about to over-promise: the estimate gives 80% confidence for 14 March 2027, "
        "you promise 1 March 2027."
    )
    assert not rules.over_promise_findings(
        promised_date=date(2027, 3, 14), level=80, date_at_level=date(2027, 3, 14)
    )
    assert not rules.over_promise_findings(
        promised_date=date(2027, 3, 1), level=80, date_at_level=None
    )


def _post(client, world, promised, **extra):
    return client.post(
        "/o/acme/p/ALPHA/promises/new/",
        {
            "new_name": "Sam Sponsor",
            "what": "The CRM live",
            "promised_date": promised.isoformat(),
            "made_by": str(world.manager.pk),
            "made_on": date.today().isoformat(),
            "channel": "meeting",
            "on_finish": "1",
            **extra,
        },
    )


def test_the_form_asks_to_confirm_an_over_promise_then_records_it(world, client_for, estimated):
    client = client_for(world.manager)
    promised = estimated - timedelta(days=10)
    first = _post(client, world, promised)
    assert first.status_code == 200
    body = first.content.decode()
    assert "You are about to over-promise: the estimate gives 80% confidence for" in body
    assert "Record it anyway" in body
    assert not Commitment.objects.filter(what="The CRM live").exists()
    confirmed = _post(client, world, promised, confirm_over_promise="1")
    assert confirmed.status_code == 302
    assert Commitment.objects.filter(what="The CRM live").exists()
    page = client.get(confirmed["Location"]).content.decode()
    assert "Recorded although: You are about to over-promise" in page


def test_a_realistic_promise_is_recorded_without_a_warning(world, client_for, estimated):
    response = _post(client_for(world.manager), world, estimated + timedelta(days=3))
    assert response.status_code == 302


def test_with_a_p50_policy_a_date_between_p50_and_p80_passes(world, client_for, estimated):
    p50 = selectors.finish_date_at(world.alpha, 50)
    assert p50 < estimated
    services.promise_policy_set(actor=world.manager, project=world.alpha, realism_level=50)
    assert not selectors.over_promise_findings(world.alpha, p50)
    assert selectors.over_promise_findings(world.alpha, p50 - timedelta(days=1))[
        0
    ].message.startswith("You are about to over-promise: the estimate gives 50% confidence")


def test_the_api_returns_the_over_promise_finding(world, client_for, estimated):
    from tests.estimates.factories import customer

    customer(world, "Sam Sponsor")
    response = client_for(world.manager).post(
        f"/api/v1/projects/{world.alpha.pk}/commitments",
        {
            "party": "Sam Sponsor",
            "what": "The CRM live",
            "promised_date": (estimated - timedelta(days=10)).isoformat(),
            "on_finish": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    findings = response.json()["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("over-promise", "warning")]
    assert Commitment.objects.filter(what="The CRM live").exists()  # warned, still recorded


def test_the_policy_is_set_through_the_api_and_a_bad_level_is_refused(world, client_for):
    client = client_for(world.manager)
    url = f"/api/v1/projects/{world.alpha.pk}/promise-policy"
    assert client.get(url).json() == {"realism_level": 80}
    bad = client.put(url, {"realism_level": 70}, content_type="application/json")
    assert bad.status_code in (400, 422) and "realism_level" in bad.content.decode()
    assert client.put(url, {"realism_level": 50}, content_type="application/json").json() == {
        "realism_level": 50
    }
    assert (
        client_for(world.contributor)
        .put(url, {"realism_level": 80}, content_type="application/json")
        .status_code
        == 403
    )
