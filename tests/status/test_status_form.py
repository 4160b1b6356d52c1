"""The status form puts the evidence where the PM picks colours, asks for one colour only, lists
every problem at the top, picks affected customers with checkboxes, and explains the two
progress figures."""

import re

from rapport.raci import services as raci
from rapport.status import services
from rapport.status.models import StatusUpdate
from tests.comms.factories import party

NEW = "/o/acme/p/ALPHA/status/new/"


def _form(**overrides):
    data = {
        "period_start": "2025-03-03",
        "period_end": "2025-03-09",
        "overall": "amber",
        "summary": "Hosting is late",
        "progress": "20",
        "not_going_well": "Hosting undecided",
        "obstacles-TOTAL_FORMS": "1",
        "obstacles-INITIAL_FORMS": "0",
        "decisions-TOTAL_FORMS": "1",
        "decisions-INITIAL_FORMS": "0",
        "publish": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_one_colour_is_enough_and_the_other_dimensions_read_not_assessed(world, client_for):
    client = client_for(world.manager)
    done = client.post(NEW, _form(), follow=True)
    assert b"Status published" in done.content

    update = StatusUpdate.objects.get()
    assert update.overall == "amber" and update.schedule == "" and update.risk == ""
    text = client.get(f"/o/acme/p/ALPHA/status/{update.pk}/").content.decode()
    assert re.search(r'Schedule</th><td><span class="rag rag-none">Not assessed</span>', text)


def test_every_problem_is_listed_at_the_top_with_a_link_to_its_field(world, client_for):
    page = client_for(world.manager).post(NEW, _form(overall="", not_going_well="")).content
    text = page.decode()

    summary = text[text.index('id="errors"') : text.index("</ul>", text.index('id="errors"'))]
    assert "2 things need fixing" in summary
    assert '<a href="#id_overall">Overall colour</a>' in summary
    assert '<a href="#id_not_going_well">What is not going well</a>' in summary
    assert not StatusUpdate.objects.exists()


def test_the_evidence_sits_beside_the_colour_it_speaks_to(world, client_for):
    for n in range(3):
        services.risk_create(
            actor=world.manager,
            project=world.alpha,
            title=f"R{n}",
            probability="high",
            impact="high",
        )
    text = client_for(world.manager).get(NEW).content.decode()

    risk_evidence = text[text.index('aria-label="Evidence for risk"') :]
    risk_evidence = risk_evidence[: risk_evidence.index("</ul>")]
    assert "3 high risks open" in risk_evidence
    assert "No evidence measured for schedule." in text  # no activities: nothing to show there


def test_measured_progress_is_explained_next_to_the_reported_one(world, client_for):
    for n, status in enumerate(["done", "not_started", "in_progress", "not_started", "cancelled"]):
        raci.activity_create(
            actor=world.manager, project=world.alpha, name=f"Step {n}", status=status
        )
    text = client_for(world.manager).get(NEW).content.decode()

    assert "<strong>25%</strong>, 1 of 4 activities finished (cancelled ones not counted" in text


def test_affected_customers_are_ticked_not_ctrl_clicked(world, client_for):
    bea = party(world, "Bea Business-Lead")
    client = client_for(world.manager)
    page = client.get(NEW).content.decode()
    assert 'type="checkbox" name="obstacles-0-customers"' in page

    client.post(NEW, _form(**{"obstacles-0-text": "No servers", "obstacles-0-customers": [bea.pk]}))
    assert list(StatusUpdate.objects.get().obstacles.get().customers.all()) == [bea]


def test_drop_downs_offer_choose_instead_of_djangos_dashes(world, client_for):
    party(world, "Bea Business-Lead")
    page = client_for(world.manager).get(NEW).content.decode()

    assert '<option value="" selected>— choose —</option>' in page
    assert "---------" not in page
