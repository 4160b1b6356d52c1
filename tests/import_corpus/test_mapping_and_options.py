"""The column-mapping step and the new options on every route: the preview shows each column's
guess and takes the PM's changes (web), `mapping`/`sheet`/`create_missing_categories` (API) and
`--map`/`--sheet`/`--create-missing-categories` (CLI)."""

import base64
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rapport.raci.models import Assignment
from rapport.stakeholders.models import Category, Party, ProjectStakeholder

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


def letters(world):
    return {
        (a.activity.name, a.party.name): a.letter
        for a in Assignment.objects.filter(activity__project=world.alpha).select_related(
            "activity", "party"
        )
    }


def test_the_raci_preview_shows_each_column_and_rereads_the_file_with_the_pm_s_meanings(
    world, client_for
):
    client = client_for(world.manager)
    upload = SimpleUploadedFile(
        "custom.csv", (FILES / "raci_custom_headers.csv").read_bytes(), content_type="text/csv"
    )
    response = client.post(
        "/o/acme/p/ALPHA/raci/import/", {"file": upload, "layout": "auto", "create_missing": "on"}
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "How the file was read" in page
    assert 'name="meaning-1"' in page and "Work package" in page
    meanings = {"0": "ignore", "1": "activity", "2": "R", "3": "A", "4": "C", "5": "I"}
    headers = ["Ref", "Work package", "Doer", "Approver", "Asked", "Kept in the loop"]
    data = {"reread": "1", "layout": "auto", "create_missing": "1"}
    for index, header in enumerate(headers):
        data[f"header-{index}"] = header
        data[f"meaning-{index}"] = meanings[str(index)]
    assert client.post(preview_url, data).status_code == 302
    page = client.get(preview_url).content.decode()
    assert "(your choice)" in page
    assert "Import all 2 activities" in page
    assert client.post(preview_url, {"rows": "all"}).status_code == 302
    assert letters(world)[("Site survey", "Ula Dorn")] == "R"
    assert letters(world)[("Permit application", "Wyn Hale")] == "C"


def test_the_raci_api_takes_a_mapping_and_a_sheet_and_reports_the_columns(world, client_for):
    client = client_for(world.manager)
    body = {
        "filename": "orion.xlsx",
        "content_base64": base64.b64encode(
            (FILES / "raci_title_merged_3_sheets.xlsx").read_bytes()
        ).decode(),
        "sheet": "RACI Q3",
        "create_missing": True,
        "mapping": {"Stage": "ignore"},
        "mode": "all",
    }
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    summary = response.json()["summary"]
    assert summary["sheets"] == ["Read me", "RACI Q3", "Contacts"]
    assert {c["header"]: c["meaning"] for c in summary["columns"]}["Stage"] == "ignore"
    assert letters(world)[("Release notes", "Quinn Lu")] == "R"
    bad = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import",
        {**body, "mapping": {"Stage": "colour"}, "mode": "preview"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "colour" in bad.json()["message"]


def test_the_raci_cli_takes_map_and_sheet(world):
    out = io.StringIO()
    call_command(
        "raci",
        "import",
        "--project",
        "ALPHA",
        str(FILES / "raci_custom_headers.csv"),
        "--create-missing",
        "--map",
        "Work package=activity",
        "--map",
        "Doer=R",
        "--map",
        "Approver=A",
        "--map",
        "Asked=C",
        "--map",
        "Kept in the loop=I",
        "--map",
        "Ref=ignore",
        "--as",
        world.manager.email,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "B Work package = activity" in out.getvalue()
    assert letters(world)[("Site survey", "Wyn Hale")] == "I"


def test_the_register_cli_maps_columns_and_creates_missing_categories(world):
    out = io.StringIO()
    call_command(
        "register",
        "import",
        "--org",
        "acme",
        str(FILES / "register_unknown_categories.csv"),
        "--create-missing-categories",
        "--map",
        "Organisation=ignore",
        "--as",
        world.owner.email,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Organisation = ignore" in out.getvalue()
    assert Category.objects.filter(org=world.acme, name="Data steward").exists()
    assert Party.objects.get(name="Evan Roth").organisation == ""


def test_the_register_api_takes_a_mapping_and_creates_missing_categories(world, client_for):
    client = client_for(world.manager)
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/register-import?mode=all",
        {
            "file": SimpleUploadedFile(
                "r.csv", b"Persona de contacto,Cosas,Categories\nAda Lin,x,Watchdog\n"
            ),
            "mapping": json.dumps({"Persona de contacto": "name", "Cosas": "ignore"}),
            "create_missing_categories": "true",
        },
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["categories_to_create"] == ["Watchdog"]
    assert {g["header"]: g["meaning"] for g in report["column_guesses"]} == {
        "Persona de contacto": "name",
        "Cosas": "ignore",
        "Categories": "categories",
    }
    ada = ProjectStakeholder.objects.get(project=world.alpha, party__name="Ada Lin").party
    assert [c.name for c in ada.categories.all()] == ["Watchdog"]


def test_the_register_preview_rereads_with_the_pm_s_meanings(world, client_for):
    client = client_for(world.owner)
    upload = SimpleUploadedFile("r.csv", b"Persona de contacto,Empresa\nAda Lin,Harbor Trust\n")
    response = client.post("/o/acme/register/import/", {"file": upload})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "No Name column" in page and "How the file was read" in page
    client.post(
        preview_url,
        {
            "reread": "1",
            "header-0": "Persona de contacto",
            "meaning-0": "name",
            "header-1": "Empresa",
            "meaning-1": "organisation",
        },
    )
    page = client.get(preview_url).content.decode()
    assert "Import all 1 row" in page
    client.post(preview_url, {"mode": "all"})
    assert Party.objects.get(name="Ada Lin").organisation == "Harbor Trust"


def test_the_pm_can_say_which_new_parties_are_groups(world, client_for):
    client = client_for(world.manager)
    body = {
        "filename": "groups.csv",
        "content_base64": base64.b64encode(
            (FILES / "raci_group_columns.csv").read_bytes()
        ).decode(),
        "create_missing": True,
        "groups": ["Legal", "Steering Committee"],
        "mode": "all",
    }
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert sorted(response.json()["summary"]["groups"]) == ["Legal", "Steering Committee"]
    kinds = dict(Party.objects.filter(org=world.acme).values_list("name", "kind"))
    assert kinds["Legal"] == kinds["Steering Committee"] == "group"
    assert kinds["Finance"] == kinds["AI/Product Team"] == "person"


def test_a_mapping_saved_by_the_cli_is_reused_on_the_next_file(world, tmp_path):
    saved = tmp_path / "mapping.json"
    common = ["--project", "ALPHA", "--create-missing", "--as", world.manager.email]
    call_command(
        "raci",
        "import",
        str(FILES / "raci_custom_headers.csv"),
        *common,
        "--dry-run",
        "--map",
        "Work package=activity",
        "--map",
        "Doer=R",
        "--map",
        "Approver=A",
        "--map",
        "Asked=C",
        "--map",
        "Kept in the loop=I",
        "--map",
        "Ref=ignore",
        "--save-map",
        str(saved),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert json.loads(saved.read_text())["Work package"] == "activity"
    assert not Assignment.objects.exists()  # a dry run
    call_command(
        "raci",
        "import",
        str(FILES / "raci_custom_headers.csv"),
        *common,
        "--map-file",
        str(saved),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert letters(world)[("Permit application", "Wyn Hale")] == "C"


def test_the_register_cli_saves_and_reuses_a_mapping(world, tmp_path):
    saved = tmp_path / "register-map.json"
    saved.write_text(json.dumps({"Persona de contacto": "name"}))
    source = tmp_path / "r.csv"
    source.write_text("Persona de contacto,Empresa\nAda Lin,Harbor Trust\n", encoding="utf-8")
    written = tmp_path / "written.json"
    call_command(
        "register",
        "import",
        "--org",
        "acme",
        str(source),
        "--map-file",
        str(saved),
        "--save-map",
        str(written),
        "--as",
        world.owner.email,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert json.loads(written.read_text()) == {
        "Persona de contacto": "name",
        "Empresa": "organisation",
    }
    assert Party.objects.get(name="Ada Lin").organisation == "Harbor Trust"
