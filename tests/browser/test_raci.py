"""The RACI editor and SIPOC in Chromium: keyboard-only editing with findings updating in place,
import of a colleague's spreadsheet, export download, and axe-core on every new page."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from rapport.raci import services
from rapport.raci.models import Assignment
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Party
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plan(world):
    """ALPHA with two activities in a phase and three parties, no letters yet."""
    actor = world.manager
    for name, kind, customer in (
        ("Ann Lee", "person", False),
        ("Bob Ng", "person", False),
        ("Carla Díaz", "person", True),
    ):
        stakeholders.stakeholder_add(
            actor=actor,
            project=world.alpha,
            new_party={"name": name, "kind": kind},
            is_customer=customer,
            power=5 if customer else None,
        )
    phase = services.phase_create(actor=actor, project=world.alpha, name="Build")
    build = services.activity_create(
        actor=actor, project=world.alpha, name="Build the portal", phase=phase
    )
    golive = services.activity_create(
        actor=actor, project=world.alpha, name="Go-live decision", phase=phase, kind="decision"
    )
    return build, golive


def letters(world):
    return {
        (a.activity.name, a.party.name): a.letter
        for a in Assignment.objects.filter(activity__project=world.alpha).select_related(
            "activity", "party"
        )
    }


def tab_into_the_grid(page):
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TD":
            return
    raise AssertionError("the grid cannot be reached with Tab")


def test_a_pm_builds_the_raci_with_the_keyboard_alone_and_sees_findings_update(
    world, sign_in, live_server
):
    plan(world)
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="RACI").click()
    findings = page.locator("#raci-findings")
    expect(findings).to_contain_text("2 errors")

    tab_into_the_grid(page)  # lands on Build the portal x Ann Lee
    page.keyboard.press("a")
    expect(page.locator("#raci-status")).to_have_text(
        re.compile(r"Saved: Ann Lee on Build the portal is Accountable\. 1 error, \d+ warnings?\.")
    )
    expect(findings).to_contain_text("1 error ")
    page.keyboard.press("x")  # not a letter of the RACI: says so and changes nothing
    expect(page.locator("#raci-status")).to_contain_text("X is not a RACI letter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    expect(page.locator("#raci-status")).to_contain_text(
        "Bob Ng on Build the portal is Responsible"
    )
    page.keyboard.press("r")
    expect(page.locator("#raci-status")).to_have_text(
        "Bob Ng on Build the portal is already Responsible."
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("a")
    page.keyboard.press("End")
    page.keyboard.press("i")
    expect(page.locator("#raci-status")).to_contain_text(
        "Carla Díaz on Go-live decision is Informed"
    )
    expect(findings).to_contain_text("0 errors")
    expect(findings).not_to_contain_text("Customer 'Carla Díaz' appears nowhere")

    page.keyboard.press("Delete")
    expect(page.locator("#raci-status")).to_contain_text("cleared Carla Díaz on Go-live decision")
    expect(findings).to_contain_text("appears nowhere in the RACI")
    page.keyboard.press("Enter")  # steps to the next letter: R
    expect(page.locator("#raci-status")).to_contain_text(
        "Carla Díaz on Go-live decision is Responsible"
    )

    assert letters(world) == {
        ("Build the portal", "Ann Lee"): "A",
        ("Build the portal", "Bob Ng"): "R",
        ("Go-live decision", "Ann Lee"): "A",
        ("Go-live decision", "Carla Díaz"): "R",
    }
    page.reload()  # saved on the server, not only on the page
    expect(page.locator("#raci-grid tr[data-a] td.lR")).to_have_count(2)


def test_a_mouse_user_selects_a_cell_and_sets_it_from_the_palette(world, sign_in, live_server):
    build, _ = plan(world)
    page = sign_in(world.contributor)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/")
    cell = page.locator(f'#raci-grid tr[data-a="{build.pk}"] td').nth(1)
    cell.click()
    page.get_by_role("button", name="Consulted").click()
    expect(cell).to_have_text("C")
    expect(page.locator("#raci-status")).to_contain_text("Bob Ng on Build the portal is Consulted")
    expect(cell).to_be_focused()
    assert letters(world) == {("Build the portal", "Bob Ng"): "C"}


def test_a_refused_change_is_rolled_back_and_explained(world, sign_in, live_server):
    build, _ = plan(world)
    page = sign_in(world.contributor)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/")
    # The party leaves the register while the page is open: the server refuses, the cell reverts.
    Party.objects.filter(name="Ann Lee").delete()
    tab_into_the_grid(page)
    page.keyboard.press("r")
    expect(page.locator("#raci-status")).to_contain_text("Not saved")
    expect(page.locator(f'#raci-grid tr[data-a="{build.pk}"] td').first).to_have_text("")


def test_a_viewer_reads_the_matrix_and_is_told_why_keys_do_nothing(world, sign_in, live_server):
    build, _ = plan(world)
    services.raci_assign(
        actor=world.manager, activity=build, party=Party.objects.get(name="Ann Lee"), letter="A"
    )
    page = sign_in(world.viewer)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/")
    tab_into_the_grid(page)
    page.keyboard.press("x")  # not a letter of the RACI: says so and changes nothing
    expect(page.locator("#raci-status")).to_contain_text("X is not a RACI letter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    expect(page.locator("#raci-status")).to_contain_text("You can read this RACI but not change it")
    assert letters(world) == {("Build the portal", "Ann Lee"): "A"}


def test_a_pm_imports_a_colleagues_spreadsheet_and_exports_the_result(
    world, sign_in, live_server, tmp_path
):
    plan(world)
    source = tmp_path / "raci-from-jo.csv"
    source.write_text(
        "Activity;Responsible;Accountable;Consulted;Informed\n"
        "Build the portal;bob ng;ANN LEE;;Carla Diaz\n"
        "Train the users;Bob Ng;Ann Lee;Zed Unknown;\n",
        encoding="utf-8",
    )
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/")
    page.get_by_role("link", name="Import a spreadsheet").click()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(source))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("raci-from-jo.csv")
    expect(page.get_by_text("Read as a list (CSV)")).to_be_visible()
    problems = page.get_by_role("table", name="Problems in the file, by row")
    expect(problems).to_contain_text("'Zed Unknown' is not in the stakeholder register")
    page.get_by_role("button", name="Import only the 1 valid activities").click()

    expect(page.get_by_text("Imported 1 activity (0 new): 3 letters added")).to_be_visible()
    assert letters(world) == {
        ("Build the portal", "Bob Ng"): "R",
        ("Build the portal", "Ann Lee"): "A",
        ("Build the portal", "Carla Díaz"): "I",
    }

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX grid").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["Activity", "Phase", "Ann Lee", "Bob Ng", "Carla Díaz"]
    assert [c.value for c in sheet[2]] == ["Build the portal", "Build", "A", "R", "I"]
    assert sheet.freeze_panes == "C2"


def test_a_pm_imports_a_grid_xlsx_adding_a_newcomer_to_the_register(
    world, sign_in, live_server, tmp_path
):
    plan(world)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["RACI of the portal, from Jo"])  # a title block above the header
    sheet.append(["Activity", "ann  lee", "BOB NG", "Carla Diaz", "Dee Newcomer"])
    sheet.append(["Build the portal", "A/R", "", "I", "C"])
    sheet.append(["Go-live decision", "A", "R", "C", "I"])
    source = tmp_path / "raci-grid.xlsx"
    workbook.save(source)
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(source))
    page.get_by_label("Add names not in the register as new parties").check()
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_text("Read as a grid (XLSX)")).to_be_visible()
    expect(page.get_by_role("region", name="What the import would do")).to_contain_text(
        "New parties in the register: Dee Newcomer (as people)."
    )
    page.get_by_role("button", name="Import all 2 activities").click()

    expect(page.get_by_text("Imported 2 activities (0 new)")).to_be_visible()
    expect(page.locator("#raci-grid")).to_contain_text("A/R")
    expect(page.locator("#raci-findings")).to_contain_text("0 errors")
    assert letters(world) == {
        ("Build the portal", "Ann Lee"): "A",
        ("Build the portal", "Carla Díaz"): "I",
        ("Build the portal", "Dee Newcomer"): "C",
        ("Go-live decision", "Ann Lee"): "A",
        ("Go-live decision", "Bob Ng"): "R",
        ("Go-live decision", "Carla Díaz"): "C",
        ("Go-live decision", "Dee Newcomer"): "I",
    }


def test_a_contributor_maps_a_sipoc_in_the_browser(world, sign_in, live_server):
    plan(world)
    stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Answers within a day"
    )
    page = sign_in(world.contributor)
    page.goto(live_server.url + "/o/acme/p/ALPHA/sipoc/")
    page.get_by_label("Process name").fill("Answer a customer")
    page.get_by_role("button", name="Start the SIPOC").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SIPOC + Outcome: Answer a customer")
    for step in ("Receive", "Sort", "Answer", "Close"):
        page.get_by_label("Add a step").fill(step)
        page.get_by_role("button", name="Add step").click()
    page.get_by_label("Add an output").fill("Written answer")
    page.get_by_role("button", name="Add output").click()
    page.get_by_role("button", name="Add outcome").click()
    page.get_by_label("Add a customer").select_option(label="Carla Díaz")
    page.get_by_role("button", name="Add customer").click()
    expect(page.get_by_role("region", name="Findings")).to_contain_text("customer-without-outcome")
    page.get_by_label("Written answer produces Answers within a day").check()
    page.get_by_label("Carla Díaz wants Answers within a day").check()
    page.get_by_role("button", name="Save links").click()
    expect(page.get_by_role("region", name="Findings")).to_contain_text("No findings")


def test_the_raci_and_sipoc_pages_have_no_serious_accessibility_issues(world, sign_in, live_server):
    build, _ = plan(world)
    services.raci_assign(
        actor=world.manager, activity=build, party=Party.objects.get(name="Ann Lee"), letter="A"
    )
    process = services.sipoc_create(
        actor=world.manager, project=world.alpha, name="Answer a customer"
    )
    services.sipoc_item_add(actor=world.manager, process=process, column="steps", name="Receive")
    services.sipoc_item_add(actor=world.manager, process=process, column="outputs", name="Answer")
    outcome = stakeholders.outcome_create(
        actor=world.manager, project=world.alpha, title="Answers within a day"
    )
    services.sipoc_item_add(
        actor=world.manager, process=process, column="outcomes", outcome=outcome
    )
    page = sign_in(world.manager)
    base = "/o/acme/p/ALPHA/"
    for path in [
        "raci/",
        "raci/?group=outcome",
        "raci/findings/",
        "raci/import/",
        "raci/settings/",
        "activities/",
        "activities/new/",
        f"activities/{build.pk}/letters/",
        "sipoc/",
        f"sipoc/{process.pk}/",
        f"sipoc/{process.pk}/print/",
    ]:
        page.goto(live_server.url + base + path)
        assert serious_accessibility_violations(page) == [], path


def test_the_import_preview_has_no_serious_accessibility_issues(
    world, sign_in, live_server, tmp_path
):
    plan(world)
    source = tmp_path / "raci.csv"
    source.write_text("Activity,Ann Lee,Ghost\nBuild the portal,A,R\n", encoding="utf-8")
    page = sign_in(world.manager)
    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(source))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name=re.compile("problem"))).to_be_visible()
    assert serious_accessibility_violations(page) == []
