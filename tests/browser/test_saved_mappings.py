"""A PM corrects how a weekly RACI export is read, saves it under a name, and next week chooses
that name on the upload page: the file is read the same way with nothing to correct."""

import pytest
from playwright.sync_api import expect

from rapport.raci.models import Assignment
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import SavedMapping
from tests.browser.conftest import serious_accessibility_violations

pytestmark = pytest.mark.browser

HEADER = "Ref,Zone,Responsible,Accountable,Consulted,Informed\n"


def letters(world):
    return {
        (a.activity.name, a.party.name): a.letter
        for a in Assignment.objects.filter(activity__project=world.alpha).select_related(
            "activity", "party"
        )
    }


def test_a_pm_saves_the_corrected_columns_and_chooses_them_for_next_week_s_file(
    world, sign_in, live_server, tmp_path
):
    for name in ("Ann Lee", "Bob Ng"):
        stakeholders.stakeholder_add(
            actor=world.manager, project=world.alpha, new_party={"name": name, "kind": "person"}
        )
    week_1, week_2 = tmp_path / "finance-week-1.csv", tmp_path / "finance-week-2.csv"
    week_1.write_text(HEADER + "1,Build the portal,Bob Ng,Ann Lee,,\n", encoding="utf-8")
    week_2.write_text(HEADER + "1,Train the users,Ann Lee,Bob Ng,,\n", encoding="utf-8")
    page = sign_in(world.manager)

    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(week_1))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_label("Meaning of column A").select_option(label="Ignore this column")
    page.get_by_label("Meaning of column B").select_option(label="Activity")
    page.get_by_label("Save these column meanings as").fill("Finance weekly")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Read the file again").click()
    expect(page.get_by_text("Saved these column meanings as “Finance weekly”")).to_be_visible()
    page.get_by_role("button", name="Import all 1 activities").click()
    expect(page.get_by_text("Imported 1 activity (1 new)")).to_be_visible()
    assert SavedMapping.objects.get().mapping["Zone"] == "activity"

    page.goto(live_server.url + "/o/acme/p/ALPHA/raci/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(week_2))
    page.get_by_label("Column meanings").select_option(label="Finance weekly")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_label("Meaning of column B")).to_have_value("activity")
    page.get_by_role("button", name="Import all 1 activities").click()
    expect(page.get_by_text("Imported 1 activity (1 new)")).to_be_visible()
    assert letters(world) == {
        ("Build the portal", "Bob Ng"): "R",
        ("Build the portal", "Ann Lee"): "A",
        ("Train the users", "Ann Lee"): "R",
        ("Train the users", "Bob Ng"): "A",
    }

    page.goto(live_server.url + "/o/acme/saved-mappings/")
    expect(page.get_by_role("table")).to_contain_text("Zone → Activity")
    assert serious_accessibility_violations(page) == []
