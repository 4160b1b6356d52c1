"""Names and the grid/list spreadsheet layouts of a RACI (rapport.raci.names): pure, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.raci.names import (
    LIST_HEADER,
    NamedCell,
    Problem,
    assignments_to_grid,
    assignments_to_list,
    build_register,
    column_letter,
    grid_to_assignments,
    list_to_assignments,
    match_names,
    normalise_name,
    resolve_cells,
    split_names,
)
from rapport.raci.rules import LETTERS, Activity, Assignment, Party

# -- normalise_name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "José Martínez",
        "jose martinez",
        "  JOSÉ   MARTÍNEZ ",
        "Jose\tMartinez",
        "Jose\u00a0Martinez",
    ],
)
def test_it_ignores_case_accents_and_spacing_in_names(written):
    assert normalise_name(written) == "jose martinez"


def test_it_folds_case_beyond_ascii_and_decomposes_compatibility_forms():
    assert normalise_name("STRASSE") == normalise_name("Straße")
    assert normalise_name("ﬁnance") == "finance"  # the "fi" ligature
    assert normalise_name("Ångström") == "angstrom"


def test_it_treats_none_and_blank_as_the_empty_name():
    assert normalise_name(None) == ""
    assert normalise_name(" \n\t ") == ""


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    assert normalise_name(normalise_name(text)) == normalise_name(text)


@given(st.text())
def test_a_normalised_name_has_no_outer_or_double_spaces(text):
    name = normalise_name(text)
    assert name == name.strip()
    assert "  " not in name


# -- split_names ----------------------------------------------------------------------------


def test_it_splits_a_cell_on_semicolons_commas_and_new_lines():
    assert split_names("Ann Lee; Bob Ng,Carl\nDana\r\nEve") == [
        "Ann Lee",
        "Bob Ng",
        "Carl",
        "Dana",
        "Eve",
    ]


def test_it_trims_names_and_drops_empty_ones():
    assert split_names("  Ann   Lee ;; , \n ;Bob ") == ["Ann Lee", "Bob"]
    assert split_names("") == []
    assert split_names(None) == []
    assert split_names(" ; , ") == []


def test_it_reads_a_number_in_a_cell_as_a_name():
    assert split_names(42) == ["42"]


name_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=";,\r\n"),
    min_size=1,
).filter(lambda s: s.strip())


@given(st.lists(name_text, max_size=6), st.sampled_from([";", ",", "\n", "; ", " , "]))
def test_names_joined_by_any_separator_split_back(names, separator):
    assert split_names(separator.join(names)) == [" ".join(n.split()) for n in names]


# -- registers and matching -----------------------------------------------------------------

ANN = Party("ann", "Ann Lee", is_group=False)
JOSE = Party("jose", "José Martínez", is_group=False)
DEV = Party("dev", "Dev team", is_group=True)
PARTIES = (ANN, JOSE, DEV)
REGISTER = build_register(PARTIES)


def test_it_matches_names_however_they_are_written():
    matched, unknown = match_names(["jose martinez", "ANN  LEE", "Dev Team"], REGISTER)
    assert matched == ["jose", "ann", "dev"]
    assert unknown == []


def test_it_returns_unknown_names_as_written_and_each_once():
    matched, unknown = match_names(["Ann Lee", "Zoë", "zoe", "ann lee", "Bob"], REGISTER)
    assert matched == ["ann"]
    assert unknown == ["Zoë", "Bob"]


def test_it_refuses_a_register_with_two_names_that_read_alike():
    with pytest.raises(ValueError, match="'Ann Lee' and 'ann  LEE' are the same name"):
        build_register([ANN, Party("ann2", "ann  LEE", is_group=False)])


def test_a_register_accepts_the_same_party_twice():
    assert build_register([ANN, ANN]) == {"ann lee": "ann"}


# -- problems and columns -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "letters"),
    [(1, "A"), (4, "D"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (703, "AAA")],
)
def test_it_names_columns_the_way_spreadsheets_do(number, letters):
    assert column_letter(number) == letters


def test_there_is_no_column_zero():
    with pytest.raises(ValueError):
        column_letter(0)


def test_a_problem_reads_as_row_and_column():
    assert str(Problem(7, 4, "'X' is not one of R, A, C, I")) == (
        "row 7, column D: 'X' is not one of R, A, C, I"
    )
    assert str(Problem(1, None, "no 'Informed' column")) == "row 1: no 'Informed' column"
    assert Problem(7, 4, "m").to_dict() == {"row": 7, "column": "D", "message": "m"}


# -- grid layout ----------------------------------------------------------------------------


def test_it_reads_a_grid():
    read = grid_to_assignments(
        ["Ann Lee", "Dev team", "José Martínez"],
        [
            ["Build", "A", "R", "c"],
            ["Go-live", "a/r", "", "I"],
            ["Retrospective"],
        ],
    )
    assert read.ok
    assert read.activities == ["Build", "Go-live", "Retrospective"]
    assert read.cells == [
        NamedCell("Build", "Ann Lee", "A", 2, 2),
        NamedCell("Build", "Dev team", "R", 2, 3),
        NamedCell("Build", "José Martínez", "C", 2, 4),
        NamedCell("Go-live", "Ann Lee", "A", 3, 2),
        NamedCell("Go-live", "José Martínez", "I", 3, 4),
    ]
    assert read.accountable_does_work == ["Go-live"]


@pytest.mark.parametrize("cell", ["", None, "-", "–", "—", "   "])
def test_a_blank_or_dashed_grid_cell_holds_no_letter(cell):
    read = grid_to_assignments(["Ann"], [["Build", cell]])
    assert read.ok
    assert read.cells == []
    assert read.activities == ["Build"]


@pytest.mark.parametrize("cell", ["A/R", "R/A", "AR", "ra", "A + R", "A, R"])
def test_an_accountable_who_does_the_work_is_read_as_a_with_the_flag(cell):
    read = grid_to_assignments(["Ann"], [["Build", cell]])
    assert [(c.letter, read.accountable_does_work) for c in read.cells] == [("A", ["Build"])]


def test_it_reports_every_bad_letter_with_its_row_and_column_not_only_the_first():
    read = grid_to_assignments(
        ["Ann", "Bob", "Carl"],
        [
            ["Build", "A", "R", "R"],
            ["Test", "A", "R", "C"],
            ["Deploy", "A", "R", "C"],
            ["Sign-off", "A", "", ""],
            ["Train", "A", "R", ""],
            ["Go-live", "A", "Q", "X"],
            ["Handover", "C/I", "R", "1"],
        ],
    )
    assert [str(problem) for problem in read.problems] == [
        "row 7, column C: 'Q' is not one of R, A, C, I",
        "row 7, column D: 'X' is not one of R, A, C, I",
        "row 8, column B: 'C/I' is not one of R, A, C, I",
        "row 8, column D: '1' is not one of R, A, C, I",
    ]
    assert len(read.cells) == 3 + 3 + 3 + 1 + 2 + 1 + 1  # the good cells are still read
    assert not read.ok


def test_it_counts_rows_from_where_the_data_starts():
    read = grid_to_assignments(["Ann"], [["Build", "Z"]], first_row=5)
    assert [str(p) for p in read.problems] == ["row 5, column B: 'Z' is not one of R, A, C, I"]


def test_it_reports_letters_under_a_blank_header_once_per_column():
    read = grid_to_assignments(
        ["Ann", "", "Bob"],
        [["Build", "A", "R", "C"], ["Test", "A", "R", ""], ["Deploy", "A", "", "R", "I"]],
    )
    assert [str(p) for p in read.problems] == [
        "row 2, column C: 'R' is in a column with no party name in the header",
        "row 4, column E: 'I' is in a column with no party name in the header",
    ]
    assert [(c.party, c.letter) for c in read.cells] == [
        ("Ann", "A"),
        ("Bob", "C"),
        ("Ann", "A"),
        ("Ann", "A"),
        ("Bob", "R"),
    ]


def test_an_empty_header_column_without_letters_is_fine():
    read = grid_to_assignments(["Ann", "", None], [["Build", "A", "", None]])
    assert read.ok


def test_it_reports_a_party_heading_two_columns_and_skips_the_second():
    read = grid_to_assignments(["Ann Lee", "ann  lee"], [["Build", "A", "R"]])
    assert [str(p) for p in read.problems] == [
        "row 1, column C: 'ann lee' already heads column B: this column is skipped"
    ]
    assert [(c.party, c.letter) for c in read.cells] == [("Ann Lee", "A")]


def test_it_reports_a_row_with_letters_but_no_activity_name():
    read = grid_to_assignments(["Ann"], [["", "A"], [None, None], [], ["Build", "A"]])
    assert [str(p) for p in read.problems] == [
        "row 2, column A: no activity name: the rest of this row is skipped"
    ]
    assert read.activities == ["Build"]  # wholly blank rows 3 and 4 are simply skipped


def test_it_reports_an_activity_on_two_rows():
    read = grid_to_assignments(["Ann"], [["Build", "A"], ["Test", "A"], ["BUILD ", "R"]])
    assert [str(p) for p in read.problems] == [
        "row 4, column A: 'BUILD' is already on row 2: give each activity one row (this one is skipped)"
    ]
    assert read.activities == ["Build", "Test"]


def test_it_reads_numbers_and_odd_values_in_a_grid_as_text():
    read = grid_to_assignments([2024, "Ann"], [[17, None, "I"], [3.5, "r", None]])
    assert read.ok
    assert [(c.activity, c.party, c.letter) for c in read.cells] == [
        ("17", "Ann", "I"),
        ("3.5", "2024", "R"),
    ]


def test_it_writes_a_grid_that_reads_back_the_same():
    activities = [
        Activity("a1", "Build", "task", is_open=True),
        Activity("a2", "Go-live", "decision", is_open=True, accountable_does_work=True),
    ]
    assignments = [
        Assignment("a1", "ann", "A"),
        Assignment("a1", "dev", "R"),
        Assignment("a2", "jose", "A"),
        Assignment("a2", "ann", "I"),
    ]
    header, rows = assignments_to_grid(activities, PARTIES, assignments)
    assert header == ["Ann Lee", "José Martínez", "Dev team"]
    assert rows == [["Build", "A", "", "R"], ["Go-live", "I", "A/R", ""]]
    read = grid_to_assignments(header, rows)
    assert read.ok
    assert read.accountable_does_work == ["Go-live"]
    resolved, problems = resolve_cells(read, build_register(activities), REGISTER)
    assert problems == []
    assert sorted(resolved, key=repr) == sorted(assignments, key=repr)


def test_writing_refuses_assignments_outside_the_matrix():
    activities = [Activity("a1", "Build", "task", is_open=True)]
    with pytest.raises(ValueError, match="activity 'zz'"):
        assignments_to_grid(activities, PARTIES, [Assignment("zz", "ann", "A")])
    with pytest.raises(ValueError, match="party 'nobody'"):
        assignments_to_list(activities, PARTIES, [Assignment("a1", "nobody", "A")])
    with pytest.raises(ValueError, match="both A and R"):
        assignments_to_grid(
            activities, PARTIES, [Assignment("a1", "ann", "A"), Assignment("a1", "ann", "R")]
        )


# -- list layout ----------------------------------------------------------------------------


def test_it_reads_a_list():
    read = list_to_assignments(
        list(LIST_HEADER),
        [
            ["Build", "Dev team", "Ann Lee", "José Martínez; Carl", ""],
            ["Go-live", None, "José", "", "Ann Lee,\nDev team"],
            ["Retrospective", "", "", "", ""],
        ],
    )
    assert read.ok
    assert read.activities == ["Build", "Go-live", "Retrospective"]
    assert [(c.activity, c.party, c.letter, c.row, c.column) for c in read.cells] == [
        ("Build", "Dev team", "R", 2, 2),
        ("Build", "Ann Lee", "A", 2, 3),
        ("Build", "José Martínez", "C", 2, 4),
        ("Build", "Carl", "C", 2, 4),
        ("Go-live", "José", "A", 3, 3),
        ("Go-live", "Ann Lee", "I", 3, 5),
        ("Go-live", "Dev team", "I", 3, 5),
    ]


def test_it_reads_list_columns_in_any_order_by_any_accepted_title():
    read = list_to_assignments(
        ["Notes", "I", "task", "ACCOUNTABLE", "c", "Responsible"],
        [["ignored", "Eve", "Build", "Ann", "Bob", "Carl"]],
    )
    assert read.ok
    assert [(c.party, c.letter, c.column) for c in read.cells] == [
        ("Carl", "R", 6),
        ("Ann", "A", 4),
        ("Bob", "C", 5),
        ("Eve", "I", 2),
    ]


def test_it_reports_each_missing_list_column():
    read = list_to_assignments(["Activity", "Responsible", "Acountable"], [["Build", "Ann", "Bob"]])
    assert [str(p) for p in read.problems] == [
        "row 1: no 'Accountable' column",
        "row 1: no 'Consulted' column",
        "row 1: no 'Informed' column",
    ]
    assert [(c.party, c.letter) for c in read.cells] == [("Ann", "R")]


def test_without_an_activity_column_a_list_cannot_be_read():
    read = list_to_assignments(["Name", *LIST_HEADER[1:]], [["Build", "Ann", "Bob", "", ""]])
    assert [str(p) for p in read.problems] == ["row 1: no 'Activity' column"]
    assert read.cells == [] and read.activities == []


def test_it_reports_a_second_column_with_the_same_title():
    read = list_to_assignments(
        [*LIST_HEADER, "Consulted"], [["Build", "Ann", "Bob", "Carl", "", "Dan"]]
    )
    assert [str(p) for p in read.problems] == [
        "row 1, column F: a second 'Consulted' column (the first is column D): this one is skipped"
    ]
    assert "Dan" not in [c.party for c in read.cells]


def test_a_name_under_responsible_and_accountable_is_an_accountable_who_does_the_work():
    for r_cell, a_cell in (("Ann Lee; Bob", "ann lee"), ("Bob", "Bob")):
        read = list_to_assignments(list(LIST_HEADER), [["Build", r_cell, a_cell, "", ""]])
        assert read.ok
        assert read.accountable_does_work == ["Build"]
        letters = {normalise_name(c.party): c.letter for c in read.cells}
        assert letters[normalise_name(a_cell)] == "A"
        assert sum(1 for c in read.cells if c.letter == "A") == 1


def test_it_reports_a_name_given_two_other_letters_on_one_row():
    read = list_to_assignments(
        list(LIST_HEADER),
        [["Build", "Ann", "Bob", "", ""], ["Test", "Ann", "Bob", "Carl", "carl; Ann"]],
    )
    assert [str(p) for p in read.problems] == [
        "row 3, column E: 'carl' is already Consulted on this row (column D): one letter per person and activity",
        "row 3, column E: 'Ann' is already Responsible on this row (column B): one letter per person and activity",
    ]


def test_a_name_repeated_in_one_cell_counts_once():
    read = list_to_assignments(list(LIST_HEADER), [["Build", "Ann; ann; ANN", "Bob", "", ""]])
    assert read.ok
    assert [(c.party, c.letter) for c in read.cells] == [("Ann", "R"), ("Bob", "A")]


def test_it_reports_list_rows_without_an_activity_and_repeated_activities():
    read = list_to_assignments(
        list(LIST_HEADER),
        [
            ["", "Ann", "", "", ""],
            ["Build", "", "Ann", "", ""],
            ["", "", "", "", ""],
            ["build", "Bob"],
        ],
    )
    assert [str(p) for p in read.problems] == [
        "row 2, column A: no activity name: the rest of this row is skipped",
        "row 5, column A: 'build' is already on row 3: give each activity one row (this one is skipped)",
    ]
    assert read.activities == ["Build"]


def test_it_writes_a_list_that_reads_back_the_same():
    activities = [
        Activity("a1", "Build", "task", is_open=True),
        Activity("a2", "Go-live", "decision", is_open=True, accountable_does_work=True),
    ]
    assignments = [
        Assignment("a1", "dev", "R"),
        Assignment("a1", "jose", "C"),
        Assignment("a1", "ann", "C"),
        Assignment("a1", "ann", "C"),  # given twice: written once
        Assignment("a2", "jose", "A"),
    ]
    header, rows = assignments_to_list(activities, PARTIES, assignments)
    assert header == list(LIST_HEADER)
    assert rows == [
        ["Build", "Dev team", "", "Ann Lee; José Martínez", ""],
        ["Go-live", "José Martínez", "José Martínez", "", ""],
    ]
    read = list_to_assignments(header, rows)
    assert read.ok
    assert read.accountable_does_work == ["Go-live"]
    resolved, problems = resolve_cells(read, build_register(activities), REGISTER)
    assert problems == []
    assert set(resolved) == set(assignments)


# -- resolving names to ids -----------------------------------------------------------------


def test_it_places_unknown_names_at_the_cell_they_came_from():
    activities = [Activity("a1", "Build", "task", is_open=True)]
    read = list_to_assignments(
        list(LIST_HEADER),
        [["build", "Dev team", "Ann", "Zoë", ""], ["Paint", "Ann Lee", "Bob", "", ""]],
    )
    assignments, problems = resolve_cells(read, build_register(activities), REGISTER)
    assert assignments == [Assignment("a1", "dev", "R")]
    assert [str(p) for p in problems] == [
        "row 2, column C: 'Ann' is not in the stakeholder register",
        "row 2, column D: 'Zoë' is not in the stakeholder register",
        "row 3, column A: 'Paint' is not an activity of this project",
    ]


def test_two_aliases_of_one_party_with_two_letters_are_reported():
    register = {**REGISTER, "a. lee": "ann"}
    activities = [Activity("a1", "Build", "task", is_open=True)]
    read = list_to_assignments(list(LIST_HEADER), [["Build", "Ann Lee", "", "A. Lee", ""]])
    assignments, problems = resolve_cells(read, build_register(activities), register)
    assert assignments == [Assignment("a1", "ann", "R")]
    assert [str(p) for p in problems] == [
        "row 2, column D: 'A. Lee' is the same party as 'Ann Lee' (row 2, column B), "
        "who is already Responsible on 'Build'"
    ]


# -- round trips for any matrix -------------------------------------------------------------

plain_name = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" -'."),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip())


@st.composite
def named_matrices(draw):
    activity_names = draw(st.lists(plain_name, min_size=1, max_size=6, unique_by=normalise_name))
    party_names = draw(st.lists(plain_name, min_size=1, max_size=6, unique_by=normalise_name))
    activities = [
        Activity(i, name, "task", is_open=True, accountable_does_work=draw(st.booleans()))
        for i, name in enumerate(activity_names)
    ]
    parties = [Party(f"p{j}", name, is_group=False) for j, name in enumerate(party_names)]
    cells = draw(
        st.dictionaries(
            st.tuples(st.integers(0, len(activities) - 1), st.integers(0, len(parties) - 1)),
            st.sampled_from(LETTERS),
        )
    )
    assignments = [
        Assignment(activities[i].id, parties[j].id, letter) for (i, j), letter in cells.items()
    ]
    return activities, parties, assignments


def expected_does_work(activities, assignments):
    """Activities that come back flagged: those with the flag and an Accountable to carry it."""
    with_a = {a.activity_id for a in assignments if a.letter == "A"}
    return [a.name for a in activities if a.accountable_does_work and a.id in with_a]


@given(named_matrices())
def test_any_matrix_survives_a_round_trip_through_the_grid(matrix):
    activities, parties, assignments = matrix
    read = grid_to_assignments(*assignments_to_grid(activities, parties, assignments))
    assert read.ok
    assert read.activities == [" ".join(a.name.split()) for a in activities]
    resolved, problems = resolve_cells(read, build_register(activities), build_register(parties))
    assert problems == []
    assert set(resolved) == set(assignments)
    assert [normalise_name(n) for n in read.accountable_does_work] == [
        normalise_name(n) for n in expected_does_work(activities, assignments)
    ]


@given(named_matrices())
def test_any_matrix_survives_a_round_trip_through_the_list(matrix):
    activities, parties, assignments = matrix
    read = list_to_assignments(*assignments_to_list(activities, parties, assignments))
    assert read.ok
    resolved, problems = resolve_cells(read, build_register(activities), build_register(parties))
    assert problems == []
    assert set(resolved) == set(assignments)
    assert [normalise_name(n) for n in read.accountable_does_work] == [
        normalise_name(n) for n in expected_does_work(activities, assignments)
    ]


@given(
    st.lists(st.text(max_size=8) | st.none() | st.integers(), max_size=5),
    st.lists(st.lists(st.text(max_size=6) | st.none() | st.integers(), max_size=7), max_size=8),
)
def test_reading_never_crashes_on_arbitrary_cells(header, rows):
    for read in (grid_to_assignments(header, rows), list_to_assignments(header, rows)):
        for problem in read.problems:
            assert str(problem).startswith("row ")
        for cell in read.cells:
            assert cell.letter in LETTERS
