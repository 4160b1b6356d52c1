"""SIPOC + Outcome: a process mapped from suppliers to customers through the customer outcomes, its
findings, editing in the browser, and the XLSX and printable exports."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from rapport.raci import selectors, services
from rapport.raci.models import SipocProcess, SipocStep
from rapport.stakeholders import services as stakeholders

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(world, small):
    return services.sipoc_create(actor=world.manager, project=world.alpha, name="Answer a customer")


def add(world, process, column, **kwargs):
    return services.sipoc_item_add(
        actor=world.contributor, process=process, column=column, **kwargs
    )


def codes(process):
    return [f.code for f in selectors.sipoc_get(process).findings]


def test_outputs_customers_and_outcomes_without_links_are_findings(world, small, process):
    p = small["parties"]
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Answers within a day"
    )
    assert codes(process) == ["process-steps"]  # an empty process has no steps

    for step in ("Receive", "Sort", "Answer", "Close"):
        add(world, process, "steps", name=step)
    answer = add(world, process, "outputs", name="Written answer")
    add(world, process, "outcomes", outcome=outcome)
    carla = add(world, process, "customers", party=p["carla"])
    assert codes(process) == [
        "output-without-customer",
        "outcome-not-produced",
        "customer-without-outcome",
    ]

    services.sipoc_links_set(
        actor=world.contributor,
        process=process,
        produces={(answer.pk, outcome.pk)},
        serves={(outcome.pk, carla.pk)},
    )
    assert codes(process) == []


def test_a_new_customer_starts_with_the_outcomes_the_register_says_they_care_about(
    world, small, process
):
    carla = world.alpha.stakeholders.get(party=small["parties"]["carla"])
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Answers within a day", stakeholders=[carla]
    )
    add(world, process, "outcomes", outcome=outcome)
    customer = add(world, process, "customers", party=carla.party)
    assert list(customer.outcomes.all()) == [outcome]


def test_a_process_keeps_to_seven_steps(world, small, process):
    for n in range(7):
        add(world, process, "steps", name=f"Step {n}")
    with pytest.raises(ValidationError, match="4-7 high-level steps"):
        add(world, process, "steps", name="One too many")
    assert SipocStep.objects.filter(process=process).count() == 7


def test_it_refuses_parties_and_outcomes_from_elsewhere_and_duplicates(world, small, process):
    from rapport.projects import services as projects

    spy = stakeholders.party_create(actor=world.outsider, org=world.globex, name="Spy")
    with pytest.raises(ValidationError, match="another organisation"):
        add(world, process, "suppliers", party=spy)
    beta = projects.project_create(actor=world.owner, org=world.acme, code="BETA", name="Beta")
    foreign = stakeholders.outcome_create(actor=world.owner, project=beta, title="Beta's outcome")
    with pytest.raises(ValidationError, match="another project"):
        add(world, process, "outcomes", outcome=foreign)
    add(world, process, "customers", party=small["parties"]["bob"])
    with pytest.raises(ValidationError, match="already"):
        add(world, process, "customers", party=small["parties"]["bob"])
    with pytest.raises(ValidationError, match="no column"):
        add(world, process, "pizzas", name="Margherita")


def test_the_sipoc_page_edits_every_column_and_the_links(world, small, process, client_for):
    p = small["parties"]
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Answers within a day"
    )
    client = client_for(world.contributor)
    base = f"/o/acme/p/ALPHA/sipoc/{process.pk}/"

    client.post(base + "suppliers/add/", {"party": p["finance"].pk})
    supplier = process.suppliers.get()
    client.post(base + "inputs/add/", {"name": "Ticket", "supplier": supplier.pk})
    for step in ("Receive", "Sort", "Answer", "Close"):
        client.post(base + "steps/add/", {"name": step})
    client.post(
        base + "outputs/add/", {"name": "Answer", "activity": small["activities"]["build"].pk}
    )
    client.post(base + "outcomes/add/", {"outcome": outcome.pk})
    client.post(base + "customers/add/", {"party": p["carla"].pk})
    output, customer = process.outputs.get(), process.customers.get()
    response = client.post(
        base + "links/",
        {
            "produces": f"{output.pk}-{outcome.pk}",
            "serves": [f"{outcome.pk}-{customer.pk}", "junk", "1-x"],
        },
    )
    assert response.status_code == 302

    page = client.get(base).content.decode()
    assert "No findings" in page
    assert "Ticket" in page and "from Finance" in page and "deliverable: Build the portal" in page
    assert 'aria-label="Answer produces Answers within a day" checked' in page

    step = process.steps.get(name="Close")
    client.post(base + f"steps/{step.pk}/move/", {"direction": "up"})
    assert [s.name for s in process.steps.all()] == ["Receive", "Sort", "Close", "Answer"]
    client.post(base + f"outcomes/{outcome.pk}/remove/")
    assert not process.outcomes.exists() and not output.outcomes.exists()
    assert client.post(base + "steps/999999/remove/").status_code == 404
    assert client.post(base + "pizzas/add/", {"name": "x"}).status_code == 400


def test_viewers_see_the_sipoc_without_edit_forms(world, small, process, client_for):
    page = client_for(world.viewer).get(f"/o/acme/p/ALPHA/sipoc/{process.pk}/").content.decode()
    assert "Suppliers" in page and "Add a supplier" not in page
    assert (
        client_for(world.viewer)
        .post(f"/o/acme/p/ALPHA/sipoc/{process.pk}/steps/add/", {"name": "x"})
        .status_code
        == 403
    )


def test_the_sipoc_exports_to_xlsx_and_a_printable_page(world, small, process, client_for):
    add(world, process, "suppliers", party=small["parties"]["finance"])
    for step in ("Receive", "=cmd|' /C calc'!A0", "Answer", "Close"):
        add(world, process, "steps", name=step)
    client = client_for(world.viewer)

    response = client.get(f"/o/acme/p/ALPHA/sipoc/{process.pk}/export/")
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["SIPOC"]
    assert [c.value for c in sheet[4]] == [
        "Suppliers",
        "Inputs",
        "Process",
        "Outputs",
        "Outcomes",
        "Customers",
    ]
    assert sheet["A5"].value == "Finance" and sheet["C5"].value == "1. Receive"
    assert sheet["C6"].value == "2. =cmd|' /C calc'!A0" and sheet["C6"].data_type == "s"
    assert workbook.sheetnames == ["SIPOC", "Links", "Findings"]

    printable = client.get(f"/o/acme/p/ALPHA/sipoc/{process.pk}/print/").content.decode()
    assert "@page" in printable and "<h1>SIPOC + Outcome: Answer a customer</h1>" in printable


def test_the_printable_page_lists_each_link_and_says_which_have_none(
    world, small, process, client_for
):
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Answers within a day"
    )
    soon = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Nobody waits on hold"
    )
    answer = add(world, process, "outputs", name="Written answer")
    add(world, process, "outputs", name="Weekly report")
    add(world, process, "outcomes", outcome=outcome)
    add(world, process, "outcomes", outcome=soon)
    carla = add(world, process, "customers", party=small["parties"]["carla"])
    services.sipoc_links_set(
        actor=world.contributor,
        process=process,
        produces={(answer.pk, outcome.pk), (answer.pk, soon.pk)},
        serves=set(),
    )
    del carla

    page = client_for(world.viewer).get(f"/o/acme/p/ALPHA/sipoc/{process.pk}/print/")
    text = " ".join(page.content.decode().split())

    assert "<li>Written answer → Answers within a day; Nobody waits on hold</li>" in text
    assert "<li>Weekly report → <em>no outcome</em></li>" in text
    assert "<li>Carla Díaz wants: <em>no outcome recorded</em></li>" in text


def test_a_process_is_created_renamed_and_deleted_from_the_pages(world, small, client_for):
    client = client_for(world.contributor)
    response = client.post("/o/acme/p/ALPHA/sipoc/new/", {"name": "Onboard a rep"})
    process = SipocProcess.objects.get(name="Onboard a rep")
    assert response["Location"].endswith(f"/sipoc/{process.pk}/")
    assert client.post("/o/acme/p/ALPHA/sipoc/new/", {"name": "onboard a rep"}).status_code == 400
    client.post(f"/o/acme/p/ALPHA/sipoc/{process.pk}/edit/", {"name": "Onboard a sales rep"})
    assert "Onboard a sales rep" in client.get("/o/acme/p/ALPHA/sipoc/").content.decode()
    client.post(f"/o/acme/p/ALPHA/sipoc/{process.pk}/delete/")
    assert not SipocProcess.objects.exists()


def test_the_sipoc_page_uses_the_same_number_of_queries_for_a_small_and_a_big_process(
    world, small, process, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.viewer)
    url = f"/o/acme/p/ALPHA/sipoc/{process.pk}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    outcomes = [
        stakeholders.outcome_create(actor=world.manager, project=world.alpha, title=f"O{n}")
        for n in range(3)
    ]
    for n, party in enumerate(small["parties"].values()):
        add(world, process, "suppliers", party=party)
        add(world, process, "customers", party=party)
        add(world, process, "inputs", name=f"Input {n}", supplier=process.suppliers.first())
        add(world, process, "outputs", name=f"Output {n}")
    for outcome in outcomes:
        add(world, process, "outcomes", outcome=outcome)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


@pytest.mark.parametrize("count, found", [(0, True), (3, True), (4, False), (7, False), (8, True)])
def test_a_process_of_four_to_seven_steps_has_no_step_finding(count, found):
    from rapport.raci.sipoc import steps_check

    findings = steps_check(count)
    assert bool(findings) is found
    assert all(f.code == "process-steps" and f.severity == "warning" for f in findings)


def test_a_negative_step_count_is_a_programming_error():
    from rapport.raci.sipoc import steps_check

    with pytest.raises(ValueError):
        steps_check(-1)
