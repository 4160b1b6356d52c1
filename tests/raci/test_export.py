"""Exporting the RACI: grid and list, CSV and XLSX, a coloured grid with frozen headers and R/A/C/I
drop-downs, no formula ever, and an export that imports back unchanged."""

import csv
import io

import openpyxl
import pytest

from rapport.raci import importing, services
from rapport.raci.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(world, small):
    a, p = small["activities"], small["parties"]
    services.activity_update(actor=world.manager, activity=a["golive"], accountable_does_work=True)
    cells = [
        (a["build"], p["ann"], "A"),
        (a["build"], p["bob"], "R"),
        (a["build"], p["finance"], "C"),
        (a["golive"], p["ann"], "A"),
        (a["golive"], p["carla"], "I"),
    ]
    services.raci_assign_many(actor=world.manager, project=world.alpha, cells=cells)
    return small


def test_the_grid_xlsx_colours_letters_freezes_headers_and_offers_r_a_c_i(world, filled):
    content, content_type, filename = importing.export_file(world.alpha, fmt="xlsx", layout="grid")

    assert filename == "ALPHA-raci-grid.xlsx" and "spreadsheetml" in content_type
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == [
        "Activity",
        "Phase",
        "Ann Lee",
        "Bob Ng",
        "Carla Díaz",
        "Finance",
    ]
    assert [c.value for c in sheet[2]] == ["Build the portal", "Build", "A", "R", None, "C"]
    assert [c.value for c in sheet[3]] == ["Go-live decision", "Build", "A/R", None, "I", None]
    assert sheet.freeze_panes == "C2"
    assert sheet["C2"].fill.fgColor.rgb.endswith("FFD9B3")  # A
    assert sheet["D2"].fill.fgColor.rgb.endswith("CFE2FF")  # R
    assert sheet["C2"].fill.fgColor.rgb != sheet["F2"].fill.fgColor.rgb
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1 and validations[0].formula1 == '"R,A,C,I"'
    assert str(validations[0].sqref) == "C2:F4"
    assert len(sheet.conditional_formatting) == 1  # letters typed later are coloured too


def test_the_list_csv_has_names_under_each_letter(world, filled):
    content, _, filename = importing.export_file(world.alpha, fmt="csv", layout="list")
    assert filename == "ALPHA-raci-list.csv" and content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Activity", "Phase", "Responsible", "Accountable", "Consulted", "Informed"]
    assert rows[1] == ["Build the portal", "Build", "Bob Ng", "Ann Lee", "Finance", ""]
    assert rows[2] == ["Go-live decision", "Build", "Ann Lee", "Ann Lee", "", "Carla Díaz"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", ["grid", "list"])
def test_an_export_imports_back_without_a_change(world, filled, fmt, layout):
    before = set(Assignment.objects.values_list("activity_id", "party_id", "letter"))
    content, _, _ = importing.export_file(world.alpha, fmt=fmt, layout=layout)

    plan = importing.plan_import(project=world.alpha, content=content)

    assert plan.layout == layout and plan.is_valid, [str(p) for p in plan.problems]
    assert plan.changes == {"letters_added": 0, "letters_changed": 0, "letters_removed": 0}
    assert plan.new_activities == []
    importing.apply_import(actor=world.manager, project=world.alpha, plan=plan)
    assert set(Assignment.objects.values_list("activity_id", "party_id", "letter")) == before


def test_names_that_look_like_formulas_are_written_as_text(world, filled):
    services.activity_create(
        actor=world.manager, project=world.alpha, name='=HYPERLINK("http://evil","x")'
    )
    services.activity_create(actor=world.manager, project=world.alpha, name="+cmd|' /C calc'!A0")

    xlsx, _, _ = importing.export_file(world.alpha, fmt="xlsx", layout="grid")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://evil","x")' in names and "'+cmd|' /C calc'!A0" in names
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))

    text, _, _ = importing.export_file(world.alpha, fmt="csv", layout="list")
    assert b"\r\n\"'=HYPERLINK" in text and b"\r\n'+cmd" in text


def test_the_export_page_downloads_each_format_and_refuses_unknown_ones(world, filled, client_for):
    client = client_for(world.viewer)
    response = client.get("/o/acme/p/ALPHA/raci/export/", {"format": "csv", "layout": "grid"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ALPHA-raci-grid.csv"'
    assert client.get("/o/acme/p/ALPHA/raci/export/", {"format": "xlsx"}).status_code == 200
    assert client.get("/o/acme/p/ALPHA/raci/export/", {"format": "pdf"}).status_code == 400
    assert client.get("/o/acme/p/ALPHA/raci/export/", {"layout": "diagonal"}).status_code == 400
