"""The XLSX export (written with xlsxwriter) opens in a spreadsheet as a working RACI sheet: the
Phase column beside the activity, panes frozen at C2, the R/A/C/I drop-down on every letter cell
and only there, and letters coloured whether exported or typed later."""

import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from rapport.raci import importing, services
from rapport.raci.spreadsheets import LETTER_COLOURS, write_xlsx


def open_sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


@pytest.fixture
def lettered(world, small):
    a, p = small["activities"], small["parties"]
    services.raci_assign_many(
        actor=world.manager,
        project=world.alpha,
        cells=[
            (a["build"], p["ann"], "A"),
            (a["build"], p["bob"], "R"),
            (a["golive"], p["finance"], "C"),
            (a["train"], p["carla"], "I"),
        ],
    )
    return small


@pytest.mark.django_db
def test_the_grid_sheet_has_the_phase_in_column_b_and_panes_frozen_at_c2(world, lettered):
    content, _, _ = importing.export_file(world.alpha, fmt="xlsx", layout="grid")
    sheet = open_sheet(content)

    assert sheet.freeze_panes == "C2"
    assert [sheet.cell(row, 2).value for row in range(1, 5)] == ["Phase", "Build", "Build", None]
    assert sheet["A1"].font.b and sheet["C1"].alignment.textRotation == 90


@pytest.mark.django_db
def test_the_drop_down_covers_every_letter_cell_and_no_label(world, lettered):
    content, _, _ = importing.export_file(world.alpha, fmt="xlsx", layout="grid")
    sheet = open_sheet(content)

    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"R,A,C,I"'
    assert validation.errorStyle == "warning"  # "A/R" can still be typed
    letter_cells = [
        cell.coordinate for row in sheet.iter_rows(min_row=2, min_col=3) for cell in row
    ]
    assert len(letter_cells) == 3 * 4
    assert all(coordinate in validation.sqref for coordinate in letter_cells)
    for outside in ("A2", "B2", "C1", "F1", "C5", "G2"):
        assert outside not in validation.sqref


@pytest.mark.django_db
def test_exported_and_typed_letters_are_coloured(world, lettered):
    content, _, _ = importing.export_file(world.alpha, fmt="xlsx", layout="grid")
    sheet = open_sheet(content)

    assert sheet["C2"].value == "A" and sheet["C2"].fill.fgColor.rgb.endswith("FFD9B3")
    assert sheet["D2"].value == "R" and sheet["D2"].fill.fgColor.rgb.endswith("CFE2FF")
    assert sheet["B2"].fill.fgColor.rgb != sheet["C2"].fill.fgColor.rgb  # the phase is plain
    (formatting,) = sheet.conditional_formatting
    assert str(formatting.sqref) == "C2:F4"
    typed = {rule.formula[0]: rule.dxf.fill.bgColor.rgb for rule in formatting.rules}
    assert {letter: typed[f'"{letter}"'][-6:] for letter in "RACI"} == {
        letter: fill for letter, (fill, _) in LETTER_COLOURS.items()
    }


@pytest.mark.django_db
def test_the_list_sheet_keeps_the_phase_and_frozen_panes_without_a_drop_down(world, lettered):
    content, _, _ = importing.export_file(world.alpha, fmt="xlsx", layout="list")
    sheet = open_sheet(content)

    assert [c.value for c in sheet[1]][:2] == ["Activity", "Phase"]
    assert sheet["B2"].value == "Build" and sheet.freeze_panes == "C2"
    assert sheet.data_validations.dataValidation == []


def test_the_drop_down_reaches_the_last_party_of_a_wide_grid():
    header = ["Activity", "Phase", *(f"Party {n}" for n in range(300))]
    rows = [[f"Step {n}", "", *(["I"] * 300)] for n in range(5)]

    sheet = open_sheet(write_xlsx(header, rows, title="RACI", grid=True, label_columns=2))

    last = get_column_letter(302)
    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref) == f"C2:{last}6"
    assert sheet[f"{last}6"].value == "I" and f"{last}6" in validation.sqref


def test_a_constant_memory_sheet_reads_the_same():
    header = ["Activity", "Phase", "Ann", "Bob"]
    rows = [["=cmd", "Build", "A/R", ""], ["Plan", "", "", "C"]]

    fast = open_sheet(write_xlsx(header, rows, title="RACI", grid=True, label_columns=2))
    streamed = open_sheet(
        write_xlsx(header, rows, title="RACI", grid=True, label_columns=2, constant_memory=True)
    )

    values = [[c.value for c in row] for row in fast.iter_rows()]
    assert values == [[c.value for c in row] for row in streamed.iter_rows()]
    assert values[1] == ["'=cmd", "Build", "A/R", None]
    assert fast.freeze_panes == streamed.freeze_panes == "C2"
