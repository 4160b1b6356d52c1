"""Writes the import corpus: spreadsheets laid out as real teams publish them (other languages,
title rows, sections, group columns, H/M/L, semicolons, Windows-1252, merged headers, several
sheets, Jira, Asana and MS Project exports). Run it from this folder; the files are committed.

    .venv/bin/python tests/import_corpus/files/make_corpus.py
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent


def write_csv(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))


def save(workbook, name: str) -> None:
    workbook.save(HERE / name)


def spanish_raci_grid() -> None:
    """A Spanish grid: the first column is "Área", phases as heading rows with a dash."""
    write_csv(
        "raci_es_area_grid.csv",
        "Área,Ana García,Luis Pérez,Equipo Legal,Finanzas\n"
        "Fase 1 — Descubrimiento,,,,\n"
        "Entrevistas con usuarios,A,R,,I\n"
        "Análisis de requisitos,A/R,C,C,\n"
        "Fase 2 — Construcción,,,,\n"
        "Prototipo,R,A,,\n"
        "Revisión de contratos,I,A,R,C\n",
    )


def list_with_letter_columns() -> None:
    """A list layout whose letter columns are headed R, A, C, I, with a Notes column."""
    write_csv(
        "raci_list_letters.csv",
        "Task,R,A,C,I,Notes\n"
        "Kick-off workshop,Dana Wu,Eli Ross,Fay Kim,Gus Ott; Hal Bay,first week\n"
        "Vendor shortlist,Fay Kim,Eli Ross,Dana Wu,,\n"
        "Sign the contract,Eli Ross,Eli Ross,Legal,Gus Ott,A/R\n",
    )


def grid_with_bold_sections() -> None:
    """An XLSX grid whose phases are bold rows with one merged label and no letters."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "RACI"
    ws.append(["Activity", "Priya Shah", "Tom Hale", "Data Office"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    rows = [
        ("Discovery", None),
        ("Map current process", ["A", "R", "C"]),
        ("Collect data samples", ["A", "", "R"]),
        ("Delivery", None),
        ("Build the pipeline", ["A", "R", "C"]),
        ("Hand over to operations", ["A/R", "I", "I"]),
    ]
    for label, letters in rows:
        if letters is None:
            ws.append([label])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4)
        else:
            ws.append([label, *letters])
    save(wb, "raci_sections_bold.xlsx")


def grid_with_group_columns() -> None:
    """Role columns that are teams, not people."""
    write_csv(
        "raci_group_columns.csv",
        "Activity,Phase,AI/Product Team,Legal,Finance,Steering Committee,Nora Blake\n"
        "Model risk assessment,Assess,R,C,,I,A\n"
        "Budget approval,Assess,C,,R,A,I\n"
        "Privacy review,Assess,C,R,,I,A\n",
    )


def register_hml_and_type() -> None:
    """A register with H/M/L power and interest and a Type column meaning Internal/External."""
    write_csv(
        "register_hml_type.csv",
        "Stakeholder,Organisation,Role,Type,Power,Interest,Notes\n"
        "Irene Cole,Acme Corp,Sponsor,Internal,H,H,Funds the project\n"
        "Jon Marsh,Northwind,Supplier,External,M,L,\n"
        "Kim Park,Acme Corp,End user,Internal,L,H,Uses it daily\n"
        "Leo Grant,City Council,Regulator,External,High,Medium,\n",
    )


def register_semicolon_windows_1252() -> None:
    """A Spanish register saved by European Excel: semicolons, Windows-1252, Alta/Media/Baja."""
    write_csv(
        "register_es_semicolon_cp1252.csv",
        "Nombre;Organización;Cargo;Poder;Interés;Correo electrónico\n"
        "José Martínez;Ayuntamiento de Sevilla;Concejal;Alta;Media;jose@sevilla.example\n"
        "Begoña Ruiz;Logística Ibérica;Directora de compras;Media;Alta;begona@iberica.example\n"
        "Íñigo Sáenz;N/A;Consultor;Baja;Baja;\n",
        encoding="cp1252",
    )


def xlsx_title_rows_merged_header_three_sheets() -> None:
    """Three sheets; the RACI one has a title block and a two-row merged header."""
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "Read me"
    readme.append(["How to use this workbook"])
    readme.append(["Fill in the RACI sheet; contacts are on the last sheet."])
    ws = wb.create_sheet("RACI Q3")
    ws.append(["Project Orion — responsibility matrix"])
    ws.merge_cells("A1:E1")
    ws.append(["Version 3, approved 2026-06-30"])
    ws.append([])
    ws.append(["Deliverable", "Stage", "People", None, None])
    ws.append([None, None, "Olga Stern", "Paul Ivers", "Quinn Lu"])
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:E4")
    ws.append(["Requirements document", "Plan", "A", "R", "C"])
    ws.append(["Test strategy", "Plan", "A", "C", "R"])
    ws.append(["Release notes", "Release", "I", "A", "R"])
    contacts = wb.create_sheet("Contacts")
    contacts.append(["Name", "E-mail"])
    contacts.append(["Olga Stern", "olga@orion.example"])
    save(wb, "raci_title_merged_3_sheets.xlsx")


def portuguese_register() -> None:
    write_csv(
        "register_pt.csv",
        "Nome,Organização,Cargo,Categoria,Poder,Interesse,Tipo\n"
        "João Silva,Prefeitura de Campinas,Secretário,Executive,Alto,Médio,Externo\n"
        "Mariana Costa,Acme Corp,Analista de negócios,Business analyst,Baixo,Alto,Interno\n"
        "Equipe de Suporte,Acme Corp,,End user,Médio,Médio,Interno\n",
    )


def french_register() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Parties prenantes"
    ws.append(["Registre des parties prenantes — Projet Hélios"])
    ws.append([])
    ws.append(["Nom", "Organisation", "Fonction", "Courriel", "Pouvoir", "Intérêt", "Type"])
    ws.append(
        ["Élodie Faure", "Mairie de Lyon", "Adjointe", "elodie@lyon.example", "Élevé", "Moyen",
         "Externe"]
    )  # fmt: skip
    ws.append(["Hugo Bernard", "Acme Corp", "Chef de produit", "", "Moyen", "Élevé", "Interne"])
    ws.append(["Service juridique", "Acme Corp", "", "", "Faible", "Faible", "Interne"])
    save(wb, "register_fr.xlsx")


def jira_export() -> None:
    """Jira's "Export CSV (all fields)", trimmed: repeated columns, custom fields, Jira dates."""
    write_csv(
        "jira_export.csv",
        "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,"
        "Due date,Sprint,Sprint,Custom field (Start date),Inward issue link (Blocks)\n"
        "Set up CI pipeline,ORI-1,10001,Task,Done,High,Rita Moss,Sam Ode,02/Mar/26 9:12 AM,"
        "13/Mar/26 12:00 AM,Sprint 1,,02/Mar/26 12:00 AM,\n"
        "Design login page,ORI-2,10002,Story,In Progress,Medium,Sam Ode,Rita Moss,"
        "02/Mar/26 9:20 AM,20/Mar/26 12:00 AM,Sprint 1,Sprint 2,09/Mar/26 12:00 AM,ORI-1\n"
        "Write API docs,ORI-3,10003,Task,To Do,Low,,Rita Moss,03/Mar/26 10:00 AM,,Sprint 2,,,\n",
    )


def asana_export() -> None:
    write_csv(
        "asana_export.csv",
        "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,"
        "Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent task,"
        "Blocked By (Dependencies),Blocking (Dependencies)\n"
        "1203,2026-04-01,,2026-04-02,Draft launch plan,Planning,Uma Reyes,uma@acme.example,"
        "2026-04-06,2026-04-10,,,Launch,,,1204\n"
        "1204,2026-04-01,,2026-04-02,Book the venue,Logistics,Vic Chen,vic@acme.example,"
        "2026-04-13,2026-04-17,venue,,Launch,,1203,\n"
        "1205,2026-04-01,,2026-04-02,Order swag,Logistics,,,,2026-04-24,,,Launch,,,\n",
    )


def ms_project_xml() -> None:
    tasks = [
        # uid, name, level, summary, start, finish
        (0, "Warehouse move", 0, 1, "2026-05-04", "2026-06-26"),
        (1, "Preparation", 1, 1, "2026-05-04", "2026-05-22"),
        (2, "Inventory count", 2, 0, "2026-05-04", "2026-05-08"),
        (3, "Label racks", 2, 0, "2026-05-11", "2026-05-22"),
        (4, "Move", 1, 1, "2026-05-25", "2026-06-26"),
        (5, "Transport goods", 2, 0, "2026-05-25", "2026-06-12"),
        (6, "Go-live in new site", 2, 0, "2026-06-15", "2026-06-26"),
    ]
    predecessors = {3: [2], 5: [3], 6: [5]}
    body = []
    for uid, name, level, summary, start, finish in tasks:
        links = "".join(
            f"<PredecessorLink><PredecessorUID>{p}</PredecessorUID><Type>1</Type></PredecessorLink>"
            for p in predecessors.get(uid, [])
        )
        body.append(
            f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name>"
            f"<OutlineLevel>{level}</OutlineLevel><Summary>{summary}</Summary>"
            f"<Start>{start}T08:00:00</Start><Finish>{finish}T17:00:00</Finish>{links}</Task>"
        )
    resources = [(1, "Wes Park"), (2, "Xena Blum"), (3, "Forklift Crew")]
    assignments = [(2, 1), (3, 2), (5, 3), (5, 1), (6, 2)]
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project">'
        "<SaveVersion>14</SaveVersion><Name>Warehouse move.xml</Name>"
        "<Tasks>"
        + "".join(body)
        + "</Tasks><Resources>"
        + "".join(f"<Resource><UID>{u}</UID><Name>{n}</Name></Resource>" for u, n in resources)
        + "</Resources><Assignments>"
        + "".join(
            f"<Assignment><UID>{i}</UID><TaskUID>{t}</TaskUID><ResourceUID>{r}</ResourceUID>"
            "</Assignment>"
            for i, (t, r) in enumerate(assignments, 1)
        )
        + "</Assignments></Project>\n"
    )
    (HERE / "ms_project.xml").write_text(xml, encoding="utf-8")


def register_na_organisations() -> None:
    write_csv(
        "register_na_orgs.csv",
        "Name,Organisation,Title,E-mail\n"
        "Yara Quint,N/A,Resident,\n"
        "Zane Hook,-,Blogger,none\n"
        "Ada Moor,none,Volunteer,n/a\n"
        "Ben Oakes,—,Journalist,\n"
        "Cleo Vance,Harbor Trust,Trustee,cleo@harbor.example\n",
    )


def register_unknown_categories() -> None:
    write_csv(
        "register_unknown_categories.csv",
        "Name,Organisation,Categories\n"
        "Dora Lind,Acme Corp,Sponsor; Data steward\n"
        "Evan Roth,Green Alliance,Special-interest group; Environmental NGO\n"
        "Fern Ash,Acme Corp,data steward\n",
    )


def raci_overlong_row() -> None:
    """A list whose third row has one cell more than the header (a stray comma)."""
    write_csv(
        "raci_overlong_row.csv",
        "Activity,Responsible,Accountable,Consulted,Informed\n"
        "Collect invoices,Gil Berg,Hana Iso,,\n"
        "Reconcile accounts,Gil Berg,Hana Iso,Ivo Kay,,Jan Lowe\n"
        "Close the books,Hana Iso,Hana Iso,,Ivo Kay\n",
    )


def register_overlong_row() -> None:
    write_csv(
        "register_overlong_row.csv",
        "Name,Organisation,Title\n"
        "Kai Nolan,Acme Corp,Engineer\n"
        "Lia Moss,Acme Corp,Designer,Extra cell\n",
    )


def german_raci_list() -> None:
    write_csv(
        "raci_de_list.csv",
        "Aufgabe,Phase,Verantwortlich,Rechenschaftspflichtig,Konsultiert,Informiert\n"
        "Anforderungen sammeln,Planung,Mia Vogt,Nils Roth,Rechtsabteilung,Ole Lang\n"
        "Angebot prüfen,Planung,Nils Roth,Nils Roth,Mia Vogt,\n"
        "Abnahme,Abschluss,Ole Lang,Nils Roth,,Mia Vogt\n",
    )


def german_register() -> None:
    write_csv(
        "register_de.csv",
        "Name,Organisation,Funktion,Macht,Interesse,Intern/Extern\n"
        "Petra Kühn,Stadtwerke Ulm,Leiterin Einkauf,Hoch,Niedrig,Extern\n"
        "Rolf Weiß,Acme Corp,Entwickler,Niedrig,Hoch,Intern\n",
    )


def french_raci_grid_xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Matrice RACI"
    ws.append(["Tâche", "Étape", "Sophie Marchand", "Comité de pilotage", "Théo Girard"])
    ws.append(["Cadrage du projet", "Étape 1", "A", "I", "R"])
    ws.append(["Choix du prestataire", "Étape 1", "R", "A", "C"])
    ws.append(["Recette", "Étape 2", "A", "I", "R"])
    save(wb, "raci_fr_grid.xlsx")


def custom_headers_for_mapping() -> None:
    """Headers Rapport cannot guess: imported with a mapping (`--map`)."""
    write_csv(
        "raci_custom_headers.csv",
        "Ref,Work package,Doer,Approver,Asked,Kept in the loop\n"
        "WP1,Site survey,Ula Dorn,Vik Ames,,Wyn Hale\n"
        "WP2,Permit application,Vik Ames,Vik Ames,Wyn Hale,Ula Dorn\n",
    )


def spanish_list_with_na() -> None:
    """A Spanish list layout whose empty cells say N/A or "-"."""
    write_csv(
        "raci_es_list_na.csv",
        "Actividad,Responsable,Aprobador,Consultado,Informado\n"
        "Plan de comunicación,Clara Soto,Diego Vela,N/A,-\n"
        "Encuesta de satisfacción,Diego Vela,Diego Vela,Clara Soto,n/a\n",
    )


if __name__ == "__main__":
    for make in (
        spanish_raci_grid,
        list_with_letter_columns,
        grid_with_bold_sections,
        grid_with_group_columns,
        register_hml_and_type,
        register_semicolon_windows_1252,
        xlsx_title_rows_merged_header_three_sheets,
        portuguese_register,
        french_register,
        jira_export,
        asana_export,
        ms_project_xml,
        register_na_organisations,
        register_unknown_categories,
        raci_overlong_row,
        register_overlong_row,
        german_raci_list,
        german_register,
        french_raci_grid_xlsx,
        custom_headers_for_mapping,
        spanish_list_with_na,
    ):
        make()
    print(f"Wrote {len(list(HERE.glob('*.*'))) - 1} files to {HERE}")
