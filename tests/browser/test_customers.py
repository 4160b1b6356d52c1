"""A project manager builds a project's register from nothing, as a new user would: adds the
sponsor and a customer, their value, an outcome and its consensus, looks at the grid and the
prompts, and exports the register. Then axe-core checks every customers page."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from rapport.stakeholders.models import ProjectStakeholder
from tests.browser.conftest import serious_accessibility_violations
from tests.stakeholders.factories import register_sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_stakeholder(
    page, name, *, roles=(), customer=False, power, interest, now, needed, group=False
):
    page.get_by_role("link", name=re.compile("Add (a|the first) stakeholder")).first.click()
    if group:
        page.get_by_role("group", name="Kind").get_by_label("Group").check()
    page.get_by_label(re.compile(r"^Name")).fill(name)
    roles_box = page.get_by_role("group", name="Roles on this project")
    for role in roles:
        roles_box.get_by_label(role, exact=True).check()
    if customer:
        page.get_by_label("Customer of this project").check()
    page.get_by_label("Power", exact=True).select_option(str(power))
    page.get_by_label("Interest", exact=True).select_option(str(interest))
    page.get_by_label("Engagement now", exact=True).select_option(now)
    page.get_by_label("Engagement needed", exact=True).select_option(needed)
    page.get_by_role("button", name="Add stakeholder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_a_pm_builds_the_register_sees_the_grid_records_consensus_and_exports(
    world, sign_in, live_server
):
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Customers").click()
    expect(page.get_by_text("Nobody is recorded for ALPHA yet")).to_be_visible()
    expect(page.get_by_text(re.compile("who is this project accountable to"))).to_be_visible()

    add_stakeholder(
        page,
        "Sofia Reyes",
        roles=["Sponsor"],
        power=5,
        interest=4,
        now="supportive",
        needed="leading",
    )
    page.get_by_role("navigation", name="Customers").get_by_role(
        "link", name="Stakeholders"
    ).click()
    add_stakeholder(
        page,
        "Sales team",
        roles=["Senior user", "End user"],
        customer=True,
        power=3,
        interest=5,
        now="resistant",
        needed="supportive",
        group=True,
    )

    # What value means to the customer, aligned to the goal.
    form = page.locator("form", has=page.get_by_role("heading", name="Add a value criterion"))
    form.get_by_label("What value means to them").fill("One screen per customer")
    form.get_by_label("Weight").fill("3")
    form.get_by_label("Happy customers").check()
    form.get_by_role("button", name="Add criterion").click()
    expect(page.get_by_role("cell", name="One screen per customer", exact=True)).to_be_visible()

    # The prompts show the kinds nobody considered; one is marked not applicable.
    page.get_by_role("navigation", name="Customers").get_by_role(
        "link", name="Stakeholders"
    ).click()
    # The list comes first; the prompts wait, folded, in plain words under the list.
    prompts = page.locator("details#prompts")
    prompts.locator("summary").click()
    expect(prompts).to_contain_text("none affected?")
    # Sofia is on the project as Sponsor, the Sales team as senior and end users: not forgotten.
    for answered in ("Sponsor", "Senior user", "End user"):
        expect(
            prompts.get_by_role("checkbox", name=re.compile(rf"^{answered}( —|$)"))
        ).to_have_count(0)
    expect(prompts.get_by_role("checkbox", name=re.compile(r"^Union( —|$)"))).to_have_count(1)
    prompts.get_by_role("checkbox", name=re.compile(r"^Future generations")).check()
    prompts.get_by_role("checkbox", name=re.compile(r"^Union( —|$)")).check()
    prompts.get_by_label("Why they do not apply (optional)").fill("Nothing lasting")
    prompts.get_by_role("button", name="Mark the ticked ones not applicable").click()
    expect(
        page.get_by_text("Marked not applicable (2): Future generations, Union.")
    ).to_be_visible()

    # An outcome, measurable, and the customer's answer recorded in place.
    page.get_by_role("link", name="Outcomes & consensus").click()
    page.get_by_role("link", name="Add the first outcome").click()
    page.get_by_label("Desired outcome").fill("Reps find a customer's history in seconds")
    page.get_by_label("Metric").fill("Time to find history")
    page.get_by_label("Unit").fill("seconds")
    page.get_by_label("Baseline").fill("300")
    page.get_by_label("Target", exact=True).fill("10")
    page.get_by_label("Critical success factor").check()
    expect(page.get_by_label("Sales team (customer)")).to_be_checked()
    page.get_by_role("button", name="Add outcome").click()
    row = page.get_by_role("row", name=re.compile("Sales team"))
    row.get_by_label("Answer of Sales team").select_option("objected")
    row.get_by_role("button", name=re.compile("Record")).click()
    expect(page.get_by_role("alert")).to_contain_text("Say why they object")
    row = page.get_by_role("row", name=re.compile("Sales team"))
    row.get_by_label("Reason").fill("Only after the data clean-up")
    row.get_by_role("button", name=re.compile("Record")).click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Sales team"))).to_contain_text(
        "Objected: Only after the data clean-up"
    )

    # The grid and the engagement gaps.
    page.get_by_role("link", name="Grid & engagement").click()
    expect(page.get_by_role("img", name="Power/interest grid")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Engagement matrix"))).to_be_visible()
    expect(page.get_by_text("2 of 2 stakeholders need more engagement")).to_be_visible()

    # Export the register.
    page.get_by_role("navigation", name="Customers").get_by_role(
        "link", name="Stakeholders"
    ).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export XLSX").click()
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(open(download.value.path(), "rb").read())
        ).active.iter_rows(values_only=True)
    )
    assert rows[0][:2] == ("ID", "Name") and sorted(r[1] for r in rows[1:]) == [
        "Sales team",
        "Sofia Reyes",
    ]
    assert (
        ProjectStakeholder.objects.filter(project=world.alpha, is_customer=True).get().party.name
        == "Sales team"
    )


def test_a_pm_imports_a_register_after_a_preview_of_its_problems(
    world, sign_in, live_server, tmp_path
):
    source = tmp_path / "register.csv"
    source.write_text(
        "Stakeholder;Company;Influence;Interest\nAda Lovelace;Acme;4;5\nBad Row;Acme;9;1\n",
        encoding="utf-8-sig",
    )
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/customers/")
    page.get_by_role("link", name="Import a register").click()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(source))
    page.get_by_role("button", name="Upload and preview").click()
    problems = page.get_by_role("table", name="Problems by row and column")
    expect(problems.get_by_role("row", name=re.compile("3 Influence"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Import all"))).to_have_count(0)
    page.get_by_role("button", name="Import only the 1 valid row").click()
    expect(page.get_by_text(re.compile("1 added, 0 updated"))).to_be_visible()
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()


def test_customer_pages_have_no_serious_accessibility_issues(world, sign_in, live_server):
    ids = register_sample(world)
    page = sign_in(world.owner)
    base = "/o/acme/p/ALPHA/customers/"
    paths = [
        base,
        base + "add/",
        f"{base}{ids['stakeholder_id']}/",
        f"{base}{ids['stakeholder_id']}/edit/",
        f"{base}criteria/{ids['criterion_id']}/edit/",
        base + "value/",
        base + "pictures/",
        base + "outcomes/",
        base + "outcomes/new/",
        f"{base}outcomes/{ids['outcome_id']}/",
        base + "import/",
        f"{base}import/{ids['import_id']}/",
        "/o/acme/register/",
        "/o/acme/register/new/",
        f"/o/acme/register/{ids['party_id']}/",
        "/o/acme/register/categories/",
        "/o/acme/register/import/",
        f"/o/acme/register/import/{ids['register_import_id']}/",
        f"/o/acme/register/{ids['party_id']}/edit/",
        f"/o/acme/register/{ids['party_id']}/delete/",
        f"/o/acme/register/categories/{ids['category_id']}/edit/",
        f"{base}outcomes/{ids['outcome_id']}/edit/",
    ]
    for path in paths:
        page.goto(live_server.url + path)
        assert serious_accessibility_violations(page) == [], path
