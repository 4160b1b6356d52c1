"""Importing a colleague's RACI: both layouts, CSV and XLSX, names matched to the register, every
problem by row and column, all-or-nothing or only the valid rows, and bad files refused whole."""

import io
import zipfile

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction

from rapport.raci import importing, services
from rapport.raci.models import Activity, Assignment
from rapport.raci.spreadsheets import FileProblem
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Party, ProjectStakeholder

pytestmark = pytest.mark.django_db


def csv(text: str, encoding="utf-8") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def letters(project):
    return {
        (a.activity.name, a.party.name): a.letter
        for a in Assignment.objects.filter(activity__project=project).select_related(
            "activity", "party"
        )
    }


def plan(world, content, **options):
    return importing.plan_import(project=world.alpha, content=content, **options)


def apply(world, content, only_valid=False, **options):
    p = plan(world, content, **options)
    return importing.apply_import(
        actor=world.manager, project=world.alpha, plan=p, only_valid=only_valid
    )


GRID = "Activity,ann lee,BOB  NG,Finance,Carla Diaz\nBuild the portal,A,R,C,\nGo-live decision,A/R,,I,C\nWrite the manual,,R,,\n"


def test_a_grid_csv_is_imported_with_names_matched_whatever_case_accents_and_spacing(world, small):
    result = apply(world, csv(GRID))

    assert letters(world.alpha) == {
        ("Build the portal", "Ann Lee"): "A",
        ("Build the portal", "Bob Ng"): "R",
        ("Build the portal", "Finance"): "C",
        ("Go-live decision", "Ann Lee"): "A",
        ("Go-live decision", "Finance"): "I",
        ("Go-live decision", "Carla Díaz"): "C",
        ("Write the manual", "Bob Ng"): "R",
    }
    assert Activity.objects.get(name="Go-live decision").accountable_does_work
    assert result["activities_created"] == 1  # Write the manual
    assert result["letters_added"] == 7


def test_a_list_xlsx_is_imported_with_several_names_per_cell(world, small):
    content = xlsx(
        [
            ["RACI of the portal"],
            [],
            ["Task", "Responsible", "Accountable", "Consulted", "Informed", "Notes"],
            ["Build the portal", "Bob Ng; Finance", "Ann Lee", "carla díaz", None, "ignored"],
            ["Go-live decision", "Ann Lee", "Ann Lee", None, "Finance,\nBob Ng", None],
        ]
    )
    p = plan(world, content)
    assert p.layout == "list" and p.format == "xlsx" and p.header_row == 3 and p.is_valid

    importing.apply_import(actor=world.manager, project=world.alpha, plan=p)

    assert letters(world.alpha) == {
        ("Build the portal", "Bob Ng"): "R",
        ("Build the portal", "Finance"): "R",
        ("Build the portal", "Ann Lee"): "A",
        ("Build the portal", "Carla Díaz"): "C",
        ("Go-live decision", "Ann Lee"): "A",
        ("Go-live decision", "Finance"): "I",
        ("Go-live decision", "Bob Ng"): "I",
    }
    assert Activity.objects.get(name="Go-live decision").accountable_does_work


def test_each_activity_in_the_file_gets_exactly_its_letters_and_others_are_left_alone(world, small):
    a, p = small["activities"], small["parties"]
    services.raci_assign(actor=world.manager, activity=a["build"], party=p["finance"], letter="I")
    services.raci_assign(actor=world.manager, activity=a["train"], party=p["bob"], letter="A")

    result = apply(world, csv("Activity,Ann Lee\nBuild the portal,A\n"))

    assert letters(world.alpha) == {
        ("Build the portal", "Ann Lee"): "A",
        ("Train users", "Bob Ng"): "A",
    }
    assert result["letters_removed"] == 1 and result["letters_added"] == 1


def test_semicolon_separated_csv_with_a_bom_and_windows_1252_accents_is_read(world, small):
    content = "Activity;Carla Díaz;Ann Lee\nBuild the portal;a;r\n".encode("cp1252")
    p = plan(world, content)
    assert p.is_valid and any("Windows-1252" in note for note in p.notes)
    assert any("semicolons" in note for note in p.notes)
    importing.apply_import(actor=world.manager, project=world.alpha, plan=p)
    assert letters(world.alpha)[("Build the portal", "Carla Díaz")] == "A"

    bom = b"\xef\xbb\xbf" + csv("Activity,Ann Lee\nTrain users,I\n")
    assert plan(world, bom).is_valid


def test_unknown_names_are_reported_by_row_and_column_and_nothing_changes(world, small):
    content = csv(
        "Activity,Ann Lee,Zed Unknown\nBuild the portal,A,R\nTrain users,,C\nGo-live decision,A,\n"
    )
    p = plan(world, content)

    assert [str(problem) for problem in p.problems] == [
        "row 2, column C: 'Zed Unknown' is not in the stakeholder register",
        "row 3, column C: 'Zed Unknown' is not in the stakeholder register",
    ]
    assert not p.is_valid and p.can_import_valid_rows
    with pytest.raises(importing.ImportRefused):
        importing.apply_import(actor=world.manager, project=world.alpha, plan=p)
    assert not Assignment.objects.exists()


def test_two_activities_that_read_alike_cannot_exist_so_each_row_names_one(world, small):
    # The database refuses a second "Train users" however it is written (migration 0004 told
    # apart the old ones), so a row of the file always matches one activity.
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(project=world.alpha, name="train  USERS", position=9)
    p = plan(world, csv("Activity,Ann Lee,Bob Ng\nTrain users,A,R\nBuild the portal,A,\n"))

    assert p.problems == []


def test_the_preview_says_how_to_add_names_missing_from_the_register(world, small, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.manager)
    content = csv(
        "Activity,Responsible,Accountable,Consulted,Informed\n"
        "Build the portal,Zed Unknown,Ann Lee,,\n"
        'Train users,"zed  UNKNOWN;Yolanda Nobody",Ann Lee,,\n'
    )
    upload = SimpleUploadedFile("raci.csv", content)
    response = client.post("/o/acme/p/ALPHA/raci/import/", {"file": upload, "layout": "auto"})
    preview = client.get(response["Location"]).content.decode()

    assert "2 names are not in the register (Zed Unknown, Yolanda Nobody)" in preview
    assert "with “Add names not in the register as new parties” ticked" in preview

    upload = SimpleUploadedFile("raci.csv", content)
    response = client.post(
        "/o/acme/p/ALPHA/raci/import/", {"file": upload, "layout": "auto", "create_missing": "on"}
    )
    preview = client.get(response["Location"]).content.decode()
    assert "not in the register (" not in preview and "Import all 2 activities" in preview


def test_only_the_valid_rows_are_imported_when_the_user_asks(world, small):
    content = csv(
        "Activity,Ann Lee,Zed Unknown\nBuild the portal,A,R\nGo-live decision,A,\nNew thing,X,\n"
    )
    result = apply(world, content, only_valid=True)

    assert letters(world.alpha) == {("Go-live decision", "Ann Lee"): "A"}
    assert result["rows_skipped"] == 2
    assert not Activity.objects.filter(name="New thing").exists()


def test_unknown_names_become_parties_on_the_project_when_asked(world, small):
    result = apply(
        world, csv("Activity,Zed Newcomer,Ann Lee\nBuild the portal,R,A\n"), create_missing=True
    )

    zed = Party.objects.get(org=world.acme, name="Zed Newcomer")
    assert ProjectStakeholder.objects.filter(project=world.alpha, party=zed).exists()
    assert letters(world.alpha)[("Build the portal", "Zed Newcomer")] == "R"
    assert result["parties_created"] == 1


def test_a_register_party_not_yet_on_the_project_is_added_to_it(world, small):
    dana = stakeholders.party_create(actor=world.owner, org=world.acme, name="Dana Director")
    p = plan(world, csv("Activity,Dana Director\nBuild the portal,I\n"))
    assert p.parties_to_add == ["Dana Director"]
    importing.apply_import(actor=world.manager, project=world.alpha, plan=p)
    assert ProjectStakeholder.objects.filter(project=world.alpha, party=dana).exists()


def test_a_name_shared_by_two_register_entries_is_a_problem_unless_one_is_on_the_project(
    world, small
):
    stakeholders.party_create(
        actor=world.owner, org=world.acme, name="Sam Smith", organisation="Acme"
    )
    stakeholders.party_create(
        actor=world.owner, org=world.acme, name="Sam Smith", organisation="Initech"
    )
    p = plan(world, csv("Activity,Sam Smith\nBuild the portal,I\n"))
    assert "matches several parties in the register" in str(p.problems[0])

    # Ann Lee of Initech is in the register too, but the Ann Lee on the project is meant.
    stakeholders.party_create(
        actor=world.owner, org=world.acme, name="Ann Lee", organisation="Initech"
    )
    assert plan(world, csv("Activity,Ann Lee\nBuild the portal,I\n")).is_valid


def test_layout_problems_are_all_reported_at_once(world, small):
    content = csv(
        "Activity,Ann Lee,Ann  LEE,,Bob Ng\nBuild the portal,A,R,X,Z\n,R,,,\nBuild the portal,C,,,\n"
    )
    problems = [str(problem) for problem in plan(world, content).problems]
    assert problems == [
        "row 1, column C: 'Ann LEE' already heads column B: this column is skipped",
        "row 2, column D: 'X' is in a column with no party name in the header",
        "row 2, column E: 'Z' is not one of R, A, C, I",
        "row 3, column A: no activity name: the rest of this row is skipped",
        "row 4, column A: 'Build the portal' is already on row 2: give each activity one row (this one is skipped)",
    ]


def test_a_header_problem_blocks_every_row(world, small):
    p = plan(
        world,
        csv("Activity,Responsible,Accountable\nBuild the portal,Ann Lee,Bob Ng\n"),
        layout="list",
    )
    assert p.file_problems and not p.can_import_valid_rows
    with pytest.raises(importing.ImportRefused, match="header"):
        importing.apply_import(actor=world.manager, project=world.alpha, plan=p, only_valid=True)
    assert not Assignment.objects.exists()


def test_an_import_is_one_transaction_with_one_history_entry_per_cell(world, small):
    apply(world, csv(GRID))
    entries = LogEntry.objects.filter(
        content_type__model="assignment", additional_data__project_id=world.alpha.pk
    )
    assert entries.count() == 7
    assert {e.actor for e in entries} == {world.manager}
    assert entries.filter(object_repr="Ann Lee: A on Build the portal").exists()


def test_if_writing_fails_half_way_nothing_is_kept(world, small, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "assignments_replace", boom)
    with pytest.raises(RuntimeError):
        apply(world, csv(GRID), create_missing=True)
    assert not Activity.objects.filter(name="Write the manual").exists()
    assert not Assignment.objects.exists()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (50 * 1024 * 1024))
    return out.getvalue()


BAD_FILES = {
    "empty": (b"", "empty"),
    "old excel": (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, ".xls"),
    "pdf": (b"%PDF-1.7 whatever", "not a spreadsheet"),
    "binary": (bytes(range(256)) * 8, "not UTF-8 text"),
    "nul bytes": (b"Activity,Ann\x00Lee\n" + b"\x00" * 20, "not a spreadsheet"),
    "broken zip": (b"PK\x03\x04 this is not really a zip", "damaged"),
    "zip that is not a workbook": (None, "not an Excel workbook"),
    "zip bomb": (None, "zip bomb"),
    "unclosed quote": (b'Activity,Ann Lee\n"Build the portal,A\n', "cannot be read as CSV"),
    "only blanks": (b"\r\n,,\r\n", "no rows"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(world, small, name):
    content, message = BAD_FILES[name]
    if name == "zip bomb":
        content = zip_bomb()
    elif content is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "hi")
        content = out.getvalue()
    with pytest.raises(FileProblem, match=message):
        plan(world, content)


def test_a_file_over_the_size_limit_is_refused_unread(world, small, settings):
    settings.RAPPORT_IMPORT_MAX_BYTES = 100
    with pytest.raises(FileProblem, match="the limit is 100 bytes"):
        plan(world, csv(GRID * 10))


def test_hostile_cells_are_names_not_formulas(world, small):
    content = csv('Activity,Ann Lee\n"=HYPERLINK(""http://evil"")",A\n\'@SUM(1),R\n')
    p = plan(world, content)
    assert p.new_activities == ['=HYPERLINK("http://evil")', "@SUM(1)"]


def test_the_import_page_previews_then_imports(world, small, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.manager)
    upload = SimpleUploadedFile(
        "raci.csv", csv("Activity,Ann Lee,Zed Unknown\nBuild the portal,A,\nTrain users,R,I\n")
    )
    response = client.post("/o/acme/p/ALPHA/raci/import/", {"file": upload, "layout": "auto"})
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "row 3, column C" not in preview  # rows and columns are shown in a table
    assert "&#x27;Zed Unknown&#x27; is not in the stakeholder register" in preview
    assert "Import only the 1 valid activities" in preview
    assert not Assignment.objects.exists()

    done = client.post(response["Location"], {"rows": "valid"})
    assert done.status_code == 302
    assert letters(world.alpha) == {("Build the portal", "Ann Lee"): "A"}
    again = client.post(response["Location"], {"rows": "valid"})  # a second click changes nothing
    assert "raci.csv was imported" in again.content.decode()
    assert letters(world.alpha) == {("Build the portal", "Ann Lee"): "A"}


def test_the_import_page_refuses_a_bad_file_on_the_form(world, small, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(world.manager).post(
        "/o/acme/p/ALPHA/raci/import/",
        {"file": SimpleUploadedFile("r.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100), "layout": "auto"},
    )
    assert response.status_code == 200
    assert "Excel 97-2003" in response.content.decode()


def test_contributors_cannot_import(world, small, client_for):
    assert client_for(world.contributor).get("/o/acme/p/ALPHA/raci/import/").status_code == 403
