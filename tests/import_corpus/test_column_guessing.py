"""Guessing columns and reading values as people write them: plain functions, no database."""

import pytest

from rapport.lib import columns
from rapport.raci import importing


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("Área", "activity"),
        ("Actividad", "activity"),
        ("Tarea", "activity"),
        ("Atividade", "activity"),
        ("Tâche", "activity"),
        ("Aufgabe", "activity"),
        ("Fase", "phase"),
        ("Étape", "phase"),
        ("R", "R"),
        ("Responsable", "R"),
        ("Rechenschaftspflichtig", "A"),
        ("Consultado", "C"),
        ("Informé", "I"),
        ("Due date", "finish"),
    ],
)
def test_raci_headers_in_several_languages_have_a_meaning(header, meaning):
    assert columns.RACI_HEADERS[columns.norm(header)] == meaning


@pytest.mark.parametrize(
    ("word", "value"),
    [("High", 5), ("h", 5), ("Alta", 5), ("Élevé", 5), ("Hoch", 5), ("Medium", 3), ("Media", 3),
     ("Médio", 3), ("Moyen", 3), ("Mittel", 3), ("Low", 1), ("Baja", 1), ("Baixo", 1),
     ("Faible", 1), ("Niedrig", 1), ("L", 1), ("Often", None)],
)  # fmt: skip
def test_levels_written_as_words_become_5_3_or_1(word, value):
    assert columns.level_value(word) == value


@pytest.mark.parametrize("text", ["N/A", "n/a", "-", "—", "none", "None", "#N/A", "  ", "TBD"])
def test_placeholders_count_as_empty(text):
    assert columns.is_empty(text)


def test_a_real_value_is_not_empty():
    assert not columns.is_empty("Nadia")


@pytest.mark.parametrize(
    ("label", "section"),
    [("Phase 1 — Discovery", True), ("Fase 2: Construcción", True), ("DISCOVERY:", True),
     ("Étape 3", True), ("Build the portal", False), ("Phased rollout plan", False)],
)  # fmt: skip
def test_headings_are_told_from_activities(label, section):
    assert columns.looks_like_section(label) is section


@pytest.mark.parametrize(
    ("name", "group"),
    [("AI/Product Team", True), ("Legal", True), ("Finance", True), ("Steering Committee", True),
     ("Board", True), ("Departamento de TI", True), ("Ann Lee", False), ("José Martínez", False)],
)  # fmt: skip
def test_team_names_read_as_groups(name, group):
    assert columns.looks_like_group(name) is group


def test_an_owner_column_beside_responsible_is_ignored_with_a_note():
    read = importing.read_layout(
        [
            ["Activity", "Owner", "Responsible", "Accountable", "Consulted", "Informed"],
            ["Build", "Zed", "Ann", "Bob", "", ""],
        ]
    )
    assert read.layout == "list" and not read.read.problems
    assert [(c.party, c.letter) for c in read.read.cells] == [("Ann", "R"), ("Bob", "A")]
    assert any("Owner" in note for note in read.notes)


def test_a_grid_party_named_like_a_header_word_stays_a_party_when_it_holds_letters():
    read = importing.read_layout([["Activity", "Owner", "Ann Lee"], ["Build", "R", "A"]])
    assert read.layout == "grid"
    assert [(c.party, c.letter) for c in read.read.cells] == [("Owner", "R"), ("Ann Lee", "A")]


def test_a_mapping_parses_cli_items_and_refuses_a_missing_equals_sign():
    assert columns.parse_mapping(["Área=activity", "Notas = ignore"]) == {
        "area": "activity",
        "notas": "ignore",
    }
    with pytest.raises(ValueError, match="HEADER=MEANING"):
        columns.parse_mapping(["Área"])
