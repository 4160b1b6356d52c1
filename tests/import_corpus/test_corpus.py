"""Every file of the corpus (tests/import_corpus/files, written by make_corpus.py) imports as
published, with no hand edits, and gives exactly the parties, activities, phases and letters a PM
would expect from it."""

import datetime as dt
from pathlib import Path

import pytest

from rapport.raci import importing as raci_importing
from rapport.raci.models import Activity, Assignment
from rapport.stakeholders import importing as register_importing
from rapport.stakeholders.models import Category, Party, ProjectStakeholder
from rapport.stakeholders.spreadsheets import read_table

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


def raci(world, name, **options):
    """Import a corpus RACI into ALPHA, adding the names the register lacks."""
    options.setdefault("create_missing", True)
    plan = raci_importing.plan_import(
        project=world.alpha, content=(FILES / name).read_bytes(), **options
    )
    assert not plan.problems, [str(p) for p in plan.problems]
    raci_importing.apply_import(actor=world.manager, project=world.alpha, plan=plan)
    return plan


def letters(world):
    return {
        (a.activity.name, a.party.name): a.letter
        for a in Assignment.objects.filter(activity__project=world.alpha).select_related(
            "activity", "party"
        )
    }


def phases(world):
    return {
        a.name: a.phase.name if a.phase else ""
        for a in Activity.objects.filter(project=world.alpha).select_related("phase")
    }


def register(world, name, project=True, **options):
    table = read_table((FILES / name).read_bytes(), max_bytes=10 * 1024 * 1024)
    plan = register_importing.plan_import(
        org=world.acme, project=world.alpha if project else None, table=table, **options
    )
    assert plan.is_valid, [p.as_dict() for p in plan.problems]
    register_importing.apply_import(
        actor=world.manager, org=world.acme, project=world.alpha if project else None, plan=plan
    )
    return plan


def stakeholder(world, name):
    return ProjectStakeholder.objects.select_related("party").get(
        project=world.alpha, party__name=name
    )


# --- RACI -----------------------------------------------------------------------------------------


def test_a_spanish_grid_headed_area_with_phase_rows_imports_sections_as_phases(world):
    plan = raci(world, "raci_es_area_grid.csv")
    assert plan.sections == ["Fase 1 — Descubrimiento", "Fase 2 — Construcción"]
    assert phases(world) == {
        "Entrevistas con usuarios": "Fase 1 — Descubrimiento",
        "Análisis de requisitos": "Fase 1 — Descubrimiento",
        "Prototipo": "Fase 2 — Construcción",
        "Revisión de contratos": "Fase 2 — Construcción",
    }
    got = letters(world)
    assert got[("Entrevistas con usuarios", "Luis Pérez")] == "R"
    assert got[("Revisión de contratos", "Equipo Legal")] == "R"
    assert got[("Revisión de contratos", "Finanzas")] == "C"
    assert len(got) == 12
    assert Activity.objects.get(name="Análisis de requisitos").accountable_does_work
    # Team names become groups, people stay people.
    assert Party.objects.get(name="Equipo Legal").kind == "group"
    assert Party.objects.get(name="Finanzas").kind == "group"
    assert Party.objects.get(name="Ana García").kind == "person"


def test_a_list_with_single_letter_headers_reads_names_under_r_a_c_i(world):
    raci(world, "raci_list_letters.csv")
    got = letters(world)
    assert got == {
        ("Kick-off workshop", "Dana Wu"): "R",
        ("Kick-off workshop", "Eli Ross"): "A",
        ("Kick-off workshop", "Fay Kim"): "C",
        ("Kick-off workshop", "Gus Ott"): "I",
        ("Kick-off workshop", "Hal Bay"): "I",
        ("Vendor shortlist", "Fay Kim"): "R",
        ("Vendor shortlist", "Eli Ross"): "A",
        ("Vendor shortlist", "Dana Wu"): "C",
        ("Sign the contract", "Eli Ross"): "A",
        ("Sign the contract", "Legal"): "C",
        ("Sign the contract", "Gus Ott"): "I",
    }
    assert Activity.objects.get(name="Sign the contract").accountable_does_work
    assert Party.objects.get(name="Legal").kind == "group"


def test_bold_merged_rows_in_an_xlsx_become_phases_not_activities(world):
    plan = raci(world, "raci_sections_bold.xlsx")
    assert plan.sections == ["Discovery", "Delivery"]
    assert phases(world) == {
        "Map current process": "Discovery",
        "Collect data samples": "Discovery",
        "Build the pipeline": "Delivery",
        "Hand over to operations": "Delivery",
    }
    assert letters(world)[("Collect data samples", "Data Office")] == "R"
    assert Party.objects.get(name="Data Office").kind == "group"


def test_role_columns_that_read_like_teams_become_groups_with_a_note(world):
    plan = raci(world, "raci_group_columns.csv")
    assert set(plan.groups) == {"AI/Product Team", "Legal", "Finance", "Steering Committee"}
    assert any("groups" in note for note in plan.notes)
    kinds = dict(Party.objects.filter(org=world.acme).values_list("name", "kind"))
    assert kinds["AI/Product Team"] == kinds["Steering Committee"] == "group"
    assert kinds["Nora Blake"] == "person"
    assert letters(world)[("Budget approval", "Steering Committee")] == "A"
    assert set(phases(world).values()) == {"Assess"}


def test_an_xlsx_with_three_sheets_title_rows_and_a_merged_header_reads_the_chosen_sheet(world):
    plan = raci(world, "raci_title_merged_3_sheets.xlsx", sheet="RACI Q3")
    assert plan.sheets == ["Read me", "RACI Q3", "Contacts"]
    assert plan.header_row == 5
    assert phases(world) == {
        "Requirements document": "Plan",
        "Test strategy": "Plan",
        "Release notes": "Release",
    }
    assert letters(world)[("Test strategy", "Quinn Lu")] == "R"
    assert len(letters(world)) == 9


def test_a_french_grid_in_xlsx_reads_tache_and_etape(world):
    raci(world, "raci_fr_grid.xlsx")
    assert phases(world)["Recette"] == "Étape 2"
    assert letters(world)[("Choix du prestataire", "Comité de pilotage")] == "A"
    assert Party.objects.get(name="Comité de pilotage").kind == "group"


def test_a_german_list_reads_aufgabe_and_the_letter_words(world):
    raci(world, "raci_de_list.csv")
    got = letters(world)
    assert got[("Anforderungen sammeln", "Rechtsabteilung")] == "C"
    assert got[("Abnahme", "Ole Lang")] == "R"
    assert phases(world)["Abnahme"] == "Abschluss"
    assert Activity.objects.get(name="Angebot prüfen").accountable_does_work


def test_n_a_and_dashes_in_a_spanish_list_are_empty_cells(world):
    raci(world, "raci_es_list_na.csv")
    assert letters(world) == {
        ("Plan de comunicación", "Clara Soto"): "R",
        ("Plan de comunicación", "Diego Vela"): "A",
        ("Encuesta de satisfacción", "Diego Vela"): "A",
        ("Encuesta de satisfacción", "Clara Soto"): "C",
    }
    assert not Party.objects.filter(name__iexact="n/a").exists()


def test_a_row_longer_than_the_header_is_reported_and_the_others_import(world):
    plan = raci_importing.plan_import(
        project=world.alpha,
        content=(FILES / "raci_overlong_row.csv").read_bytes(),
        create_missing=True,
    )
    assert [p.to_dict()["column"] for p in plan.problems] == ["F"]
    assert plan.problems[0].row == 3
    assert "Jan Lowe" in plan.problems[0].message
    with pytest.raises(raci_importing.ImportRefused):
        raci_importing.apply_import(actor=world.manager, project=world.alpha, plan=plan)
    raci_importing.apply_import(
        actor=world.manager, project=world.alpha, plan=plan, only_valid=True
    )
    assert set(phases(world)) == {"Collect invoices", "Close the books"}
    assert not Party.objects.filter(name="Jan Lowe").exists()


def test_unguessable_headers_import_with_a_mapping(world):
    content = (FILES / "raci_custom_headers.csv").read_bytes()
    guessed = raci_importing.plan_import(project=world.alpha, content=content)
    assert guessed.layout == "grid"  # without a mapping the names look like parties
    plan = raci(
        world,
        "raci_custom_headers.csv",
        mapping=[
            "Work package=activity",
            "Doer=R",
            "Approver=A",
            "Asked=C",
            "Kept in the loop=I",
            "Ref=ignore",
        ],
    )
    assert plan.layout == "list"
    assert {c.header: c.meaning for c in plan.columns}["Work package"] == "activity"
    assert letters(world) == {
        ("Site survey", "Ula Dorn"): "R",
        ("Site survey", "Vik Ames"): "A",
        ("Site survey", "Wyn Hale"): "I",
        ("Permit application", "Vik Ames"): "A",
        ("Permit application", "Wyn Hale"): "C",
        ("Permit application", "Ula Dorn"): "I",
    }


# --- exports from other tools ----------------------------------------------------------------------


def test_a_jira_export_gives_activities_with_dates_sprints_and_assignees(world):
    plan = raci(world, "jira_export.csv")
    assert any("Jira" in note for note in plan.notes)
    design = Activity.objects.get(project=world.alpha, name="Design login page")
    assert (design.planned_start, design.planned_finish) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 20),
    )
    assert phases(world) == {
        "Set up CI pipeline": "Sprint 1",
        "Design login page": "Sprint 1",
        "Write API docs": "Sprint 2",
    }
    assert letters(world) == {
        ("Set up CI pipeline", "Rita Moss"): "R",
        ("Design login page", "Sam Ode"): "R",
    }
    assert any("dependencies" in note for note in plan.notes)


def test_an_asana_export_gives_sections_as_phases_and_assignees(world):
    raci(world, "asana_export.csv")
    assert phases(world) == {
        "Draft launch plan": "Planning",
        "Book the venue": "Logistics",
        "Order swag": "Logistics",
    }
    assert letters(world) == {
        ("Draft launch plan", "Uma Reyes"): "R",
        ("Book the venue", "Vic Chen"): "R",
    }
    swag = Activity.objects.get(project=world.alpha, name="Order swag")
    assert swag.planned_finish == dt.date(2026, 4, 24)


def test_an_ms_project_xml_gives_summary_tasks_as_phases_and_resources_as_responsible(world):
    plan = raci(world, "ms_project.xml")
    assert plan.format == "mspdi"
    assert phases(world) == {
        "Inventory count": "Preparation",
        "Label racks": "Preparation",
        "Transport goods": "Move",
        "Go-live in new site": "Move",
    }
    assert letters(world) == {
        ("Inventory count", "Wes Park"): "R",
        ("Label racks", "Xena Blum"): "R",
        ("Transport goods", "Forklift Crew"): "R",
        ("Transport goods", "Wes Park"): "R",
        ("Go-live in new site", "Xena Blum"): "R",
    }
    move = Activity.objects.get(project=world.alpha, name="Transport goods")
    assert (move.planned_start, move.planned_finish) == (dt.date(2026, 5, 25), dt.date(2026, 6, 12))
    assert Party.objects.get(name="Forklift Crew").kind == "group"


# --- registers ------------------------------------------------------------------------------------


def test_h_m_l_and_a_type_column_meaning_internal_external_are_understood(world):
    plan = register(world, "register_hml_type.csv")
    assert any("H → 5" in note and "M → 3" in note and "L → 1" in note for note in plan.notes)
    assert any("Internal/External" in note for note in plan.notes)
    irene, jon, leo = (stakeholder(world, n) for n in ("Irene Cole", "Jon Marsh", "Leo Grant"))
    assert (irene.power, irene.interest) == (5, 5)
    assert (jon.power, jon.interest) == (3, 1)
    assert (leo.power, leo.interest) == (5, 3)
    assert irene.party.relationship == "internal" and irene.party.kind == "person"
    assert jon.party.relationship == "external"
    assert "sponsor" in irene.roles


def test_a_semicolon_windows_1252_spanish_register_reads_accents_and_alta_media_baja(world):
    plan = register(world, "register_es_semicolon_cp1252.csv")
    assert any("Windows-1252" in note for note in plan.notes)
    jose = stakeholder(world, "José Martínez")
    assert jose.party.organisation == "Ayuntamiento de Sevilla"
    assert jose.party.email == "jose@sevilla.example"
    assert (jose.power, jose.interest) == (5, 3)
    assert stakeholder(world, "Begoña Ruiz").party.title == "Directora de compras"
    inigo = stakeholder(world, "Íñigo Sáenz")
    assert inigo.party.organisation == ""  # "N/A" is no organisation
    assert (inigo.power, inigo.interest) == (1, 1)


def test_a_portuguese_register_reads_nome_categoria_and_alto_medio_baixo(world):
    register(world, "register_pt.csv")
    joao = stakeholder(world, "João Silva")
    assert joao.party.organisation == "Prefeitura de Campinas"
    assert joao.party.relationship == "external"
    assert (joao.power, joao.interest) == (5, 3)
    assert [c.name for c in joao.party.categories.all()] == ["Executive"]
    assert stakeholder(world, "Mariana Costa").interest == 5


def test_a_french_xlsx_register_with_a_title_row_reads_nom_pouvoir_interet(world):
    register(world, "register_fr.xlsx")
    elodie = stakeholder(world, "Élodie Faure")
    assert elodie.party.title == "Adjointe"
    assert elodie.party.email == "elodie@lyon.example"
    assert elodie.party.relationship == "external"
    assert (elodie.power, elodie.interest) == (5, 3)
    assert stakeholder(world, "Service juridique").power == 1


def test_a_german_register_reads_macht_interesse_and_intern_extern(world):
    register(world, "register_de.csv")
    petra = stakeholder(world, "Petra Kühn")
    assert (petra.power, petra.interest) == (5, 1)
    assert petra.party.relationship == "external"
    assert petra.party.title == "Leiterin Einkauf"


def test_n_a_dashes_and_none_are_never_an_organisation(world):
    register(world, "register_na_orgs.csv", project=False)
    organisations = dict(Party.objects.filter(org=world.acme).values_list("name", "organisation"))
    for name in ("Yara Quint", "Zane Hook", "Ada Moor", "Ben Oakes"):
        assert organisations[name] == ""
    assert organisations["Cleo Vance"] == "Harbor Trust"
    assert Party.objects.get(name="Zane Hook").email == ""


def test_unknown_categories_are_refused_or_created_when_asked(world):
    table = read_table(
        (FILES / "register_unknown_categories.csv").read_bytes(), max_bytes=10 * 1024 * 1024
    )
    refused = register_importing.plan_import(org=world.acme, project=None, table=table)
    assert not refused.is_valid
    plan = register(world, "register_unknown_categories.csv", project=False,
                    create_missing_categories=True)  # fmt: skip
    assert plan.categories_to_create == ["Data steward", "Environmental NGO"]
    dora = Party.objects.get(name="Dora Lind")
    assert sorted(c.name for c in dora.categories.all()) == ["Data steward", "Sponsor"]
    assert [c.name for c in Party.objects.get(name="Fern Ash").categories.all()] == ["Data steward"]
    assert Category.objects.filter(org=world.acme, name="Environmental NGO").count() == 1


def test_a_register_row_longer_than_the_header_is_a_problem_of_that_row(world):
    table = read_table(
        (FILES / "register_overlong_row.csv").read_bytes(), max_bytes=10 * 1024 * 1024
    )
    plan = register_importing.plan_import(org=world.acme, project=None, table=table)
    [problem] = plan.problems
    assert (problem.row, problem.column, problem.value) == (3, "Column D", "Extra cell")
    register_importing.apply_import(
        actor=world.manager, org=world.acme, project=None, plan=plan, only_valid=True
    )
    assert Party.objects.filter(name="Kai Nolan").exists()
    assert not Party.objects.filter(name="Lia Moss").exists()


def test_every_corpus_file_is_covered_by_a_test():
    source = Path(__file__).read_text()
    made = {p.name for p in FILES.iterdir() if p.name != "make_corpus.py"}
    assert len(made) >= 15
    assert {name for name in made if f'"{name}"' not in source} == set()
