"""An outcome's expected benefit is forecast up front (a range, a P50 and a P80 with what it
assumes), published in the detailed report, checked against the first measurement on or after the
target date, and counted in the organisation's track record when it was over-promised."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.comms import reports
from rapport.estimates.track_record import track_record_json, track_record_summary
from rapport.stakeholders import services
from rapport.stakeholders.models import Outcome
from tests.comms.factories import publish

pytestmark = pytest.mark.django_db

FORECAST = {
    "benefit_low": Decimal("9"),
    "benefit_p50": Decimal("14"),
    "benefit_p80": Decimal("12"),
    "benefit_high": Decimal("17"),
    "benefit_assumptions": "Every rep uses the CRM daily; catalogues merged before kick-off.",
}


def cross_sell(world, **fields):
    return services.outcome_create(
        actor=world.manager,
        project=world.alpha,
        metric="Cross-sell share of revenue",
        unit="%",
        baseline=Decimal("6"),
        target=Decimal("16"),
        **{
            "title": "Reps sell across product lines",
            "due_date": date(2025, 6, 30),
            **FORECAST,
            **fields,
        },
    )


def measure(world, outcome, day, value):
    services.measurement_add(
        actor=world.manager, outcome=outcome, measured_on=day, value=Decimal(value)
    )


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"benefit_p50": Decimal("18")}, "benefit_p50", "between the low and high"),
        ({"benefit_high": Decimal("8")}, "benefit_high", "below the low end"),
        ({"benefit_p80": Decimal("15")}, "benefit_p80", "80 % sure to reach"),
        ({"benefit_p80": None}, "benefit_p80", "Give the P80"),
        ({"benefit_assumptions": " "}, "benefit_assumptions", "what the forecast assumes"),
        ({"due_date": None}, "due_date", "target date"),
    ],
)
def test_a_forecast_that_does_not_hold_together_is_refused_with_the_field_named(
    world, change, field, words
):
    with pytest.raises(ValidationError) as refused:
        cross_sell(world, **change)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Outcome.objects.exists()


def test_when_less_is_the_benefit_the_p80_lies_above_the_p50(world):
    minutes = {
        "title": "Call preparation takes minutes",
        "metric": "Minutes to prepare a call",
        "baseline": Decimal("25"),
        "target": Decimal("5"),
        "due_date": date(2025, 6, 30),
        "benefit_low": Decimal("4"),
        "benefit_p50": Decimal("8"),
        "benefit_high": Decimal("20"),
        "benefit_assumptions": "Contact data cleaned up first.",
    }
    with pytest.raises(ValidationError) as refused:
        services.outcome_create(
            actor=world.manager, project=world.alpha, benefit_p80=Decimal("6"), **minutes
        )
    assert "cannot be below the P50" in refused.value.message_dict["benefit_p80"][0]
    services.outcome_create(
        actor=world.manager, project=world.alpha, benefit_p80=Decimal("12"), **minutes
    )


def test_the_edit_page_saves_the_forecast_and_the_outcome_page_shows_it(world, client_for):
    no_forecast = {**dict.fromkeys(FORECAST), "benefit_assumptions": ""}
    outcome = cross_sell(world, **no_forecast)
    client = client_for(world.manager)
    base = f"/o/acme/p/ALPHA/customers/outcomes/{outcome.pk}/"
    form = {
        "title": outcome.title,
        "metric": outcome.metric,
        "unit": "%",
        "baseline": "6",
        "target": "16",
        "due_date": "2025-06-30",
        "benefit_low": "9",
        "benefit_p50": "20",
        "benefit_p80": "12",
        "benefit_high": "17",
        "benefit_assumptions": "Reps use it daily.",
    }
    refused = client.post(base + "edit/", form)
    assert refused.status_code == 200
    assert "The P50 must lie between the low and high ends" in refused.content.decode()
    assert Outcome.objects.get().benefit_p50 is None

    saved = client.post(base + "edit/", {**form, "benefit_p50": "14"})
    assert saved.status_code == 302
    page = client.get(base).content.decode()
    assert "Expected benefit" in page
    assert "P50 <strong>14</strong> % · P80 <strong>12</strong> %" in page
    assert "Reps use it daily." in page
    assert "Not yet: against the first measurement on or after the target date." in page


def test_the_detailed_report_publishes_each_expected_benefit_with_its_assumptions(world):
    cross_sell(world)
    update = publish(world)
    data = reports.report_data(update)
    report = reports.render_report(
        data, recipient=reports.Recipient(None, "Team"), comm_type="detailed"
    )
    for text in (report.html, report.text):
        assert "Expected benefits" in text
        assert "Reps sell across product lines" in text
        assert "catalogues merged before kick-off" in text
    assert "P50 14, P80 12 % (range 9 to 17)" in report.text


def test_only_a_measurement_on_or_after_the_target_date_checks_the_forecast(world, client_for):
    outcome = cross_sell(world)
    measure(world, outcome, date(2025, 5, 1), "4")  # before the target date: not the check
    api = client_for(world.manager)
    url = f"/api/v1/projects/{world.alpha.pk}/outcomes/{outcome.pk}"
    assert api.get(url).json()["benefit_check"] is None

    measure(world, outcome, date(2025, 7, 3), "13")  # first one after: P80 kept, P50 missed
    measure(world, outcome, date(2025, 9, 1), "20")  # later ones do not re-grade the forecast
    assert api.get(url).json()["benefit_check"] == "met-p80"


@pytest.mark.parametrize(
    "measured, check", [("14", "met-p50"), ("12", "met-p80"), ("11", "missed")]
)
def test_the_measurement_grades_the_forecast_against_its_p50_and_p80(
    world, client_for, measured, check
):
    outcome = cross_sell(world)
    measure(world, outcome, date(2025, 6, 30), measured)
    url = f"/api/v1/projects/{world.alpha.pk}/outcomes/{outcome.pk}"
    assert client_for(world.manager).get(url).json()["benefit_check"] == check


def test_the_track_record_counts_an_over_promised_benefit(
    world, client_for, django_assert_max_num_queries
):
    kept = cross_sell(world, title="Kept")
    over = cross_sell(world, title="Over-promised")
    cross_sell(world, title="Not measured yet")
    measure(world, kept, date(2025, 7, 1), "15")
    measure(world, over, date(2025, 7, 1), "10")

    summary = track_record_summary(world.owner, world.acme)
    benefits = summary.benefits
    assert (benefits["forecast"], benefits["checked"]) == (3, 2)
    assert (benefits["met_p50"], benefits["met_p80"], benefits["over_promised"]) == (1, 1, 1)
    assert benefits["share_over_promised"] == 0.5
    as_json = track_record_json(summary)["benefits"]
    assert [o["check"] for o in as_json["outcomes"]] == ["met-p50", "missed"]

    client = client_for(world.owner)
    with django_assert_max_num_queries(14):  # as many as with no benefit at all
        page = client.get("/o/acme/track-record/").content.decode()
    assert "Benefits forecast against measured" in page
    assert "50 % over-promised" in page
    assert "Missed: over-promised" in page
    # Globex's owner sees none of Acme's benefits in his own organisation's record
    assert track_record_summary(world.outsider, world.globex).benefits["forecast"] == 0


def test_the_forecast_round_trips_through_the_api(world, client_for):
    client = client_for(world.manager)
    base = f"/api/v1/projects/{world.alpha.pk}/outcomes"
    body = {
        "title": "Reps sell across product lines",
        "metric": "Cross-sell share",
        "baseline": "6",
        "target": "16",
        "due_date": "2025-06-30",
        "benefit_low": "9",
        "benefit_p50": "14",
        "benefit_p80": "12",
        "benefit_high": "17",
        "benefit_assumptions": "Reps use it daily.",
    }
    created = client.post(base, body, content_type="application/json")
    assert created.status_code == 201, created.content
    got = client.get(f"{base}/{created.json()['id']}").json()
    assert (got["benefit_low"], got["benefit_p50"], got["benefit_p80"], got["benefit_high"]) == (
        "9.0000",
        "14.0000",
        "12.0000",
        "17.0000",
    )
    assert got["benefit_assumptions"] == "Reps use it daily."

    bad = client.patch(
        f"{base}/{got['id']}", {"benefit_p80": "16"}, content_type="application/json"
    )
    assert bad.status_code in (400, 422)
    assert "benefit_p80" in bad.content.decode()
    assert Outcome.objects.get().benefit_p80 == Decimal("12")
