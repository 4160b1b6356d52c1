"""Saved column mappings for the RACI import: corrected once on the preview, saved under a name,
chosen again for next week's file from the upload page, the API or the CLI."""

import base64
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.raci.models import Assignment, RaciImport
from rapport.stakeholders import saved_mappings
from rapport.stakeholders.models import SavedMapping

pytestmark = pytest.mark.django_db

# "Ref" is read as the activity by its place and "Zone" as a party: both wrong.
WEEK_1 = (
    b"Ref,Zone,Responsible,Accountable,Consulted,Informed\r\n"
    b"1,Build the portal,Bob Ng,Ann Lee,,\r\n"
    b"2,Train users,Ann Lee,Bob Ng,,\r\n"
)
WEEK_2 = (
    b"Ref,Zone,Responsible,Accountable,Consulted,Informed\r\n"
    b"1,Build the portal,Ann Lee,Bob Ng,,\r\n"
    b"2,Go-live decision,Bob Ng,Ann Lee,,\r\n"
)
CORRECTED = {
    "Ref": "ignore",
    "Zone": "activity",
    "Responsible": "R",
    "Accountable": "A",
    "Consulted": "C",
    "Informed": "I",
}


def letters(world):
    return {
        (a.activity.name, a.party.name): a.letter
        for a in Assignment.objects.filter(activity__project=world.alpha).select_related(
            "activity", "party"
        )
    }


def upload(client, content, **fields):
    response = client.post(
        "/o/acme/p/ALPHA/raci/import/",
        {"file": SimpleUploadedFile("weekly.csv", content), "layout": "auto", **fields},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def reread(client, preview_url, meanings: dict, **extra):
    data = {"reread": "1", "layout": "auto", **extra}
    for index, (header, meaning) in enumerate(meanings.items()):
        data[f"header-{index}"] = header
        data[f"meaning-{index}"] = meaning
    return client.post(preview_url, data, follow=True)


def save(world, name="Weekly RACI", mapping=None):
    return saved_mappings.save_mapping(
        actor=world.manager, org=world.acme, kind="raci", name=name, mapping=mapping or CORRECTED
    )


def test_a_mapping_saved_on_the_preview_reads_next_week_s_file_the_same_way(
    world, small, client_for
):
    client = client_for(world.manager)
    preview = upload(client, WEEK_1)
    assert "Import all" not in client.get(preview).content.decode()  # guessed wrong

    page = reread(client, preview, CORRECTED, save_as="Weekly RACI").content.decode()
    assert "Saved these column meanings as “Weekly RACI”" in page
    assert "Import all 2 activities" in page
    assert client.post(preview, {"rows": "all"}).status_code == 302
    assert letters(world)[("Build the portal", "Bob Ng")] == "R"

    form = client.get("/o/acme/p/ALPHA/raci/import/").content.decode()
    assert "Guess from the headers" in form and '<option value="Weekly RACI">' in form
    preview = upload(client, WEEK_2, saved_mapping="Weekly RACI")
    page = client.get(preview).content.decode()
    assert page.count("(your choice)") == 6
    assert "Import all 2 activities" in page
    assert client.post(preview, {"rows": "all"}).status_code == 302
    assert letters(world)[("Go-live decision", "Bob Ng")] == "R"
    assert letters(world)[("Build the portal", "Bob Ng")] == "A"


def test_the_name_typed_on_the_preview_saves_the_meanings_shown_when_importing(
    world, small, client_for
):
    client = client_for(world.manager)
    preview = upload(client, WEEK_1)
    reread(client, preview, CORRECTED)
    assert not SavedMapping.objects.exists()
    response = client.post(preview, {"rows": "all", "save_as": "Finance weekly"})
    assert response.status_code == 302
    saved = SavedMapping.objects.get()
    assert (saved.org, saved.kind, saved.name, saved.mapping) == (
        world.acme,
        "raci",
        "Finance weekly",
        CORRECTED,
    )
    assert saved.created_by == world.manager
    assert letters(world)[("Train users", "Bob Ng")] == "A"


def test_saving_again_under_the_same_name_from_the_preview_replaces_the_mapping(
    world, small, client_for
):
    save(world, mapping={"Zone": "phase"})
    client = client_for(world.manager)
    preview = upload(client, WEEK_1)
    reread(client, preview, CORRECTED, save_as="weekly raci")
    saved = SavedMapping.objects.get()
    assert saved.mapping == CORRECTED and saved.name == "weekly raci"


def test_a_name_the_organisation_does_not_have_is_refused_on_the_upload_form(
    world, small, client_for
):
    save(world)
    client = client_for(world.manager)
    response = client.post(
        "/o/acme/p/ALPHA/raci/import/",
        {"file": SimpleUploadedFile("w.csv", WEEK_1), "layout": "auto", "saved_mapping": "Other"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not RaciImport.objects.exists()


def test_another_organisation_s_saved_mapping_is_unknown_to_the_api_and_not_applied(
    world, small, client_for
):
    saved_mappings.save_mapping(
        actor=world.outsider, org=world.globex, kind="raci", name="Globex weekly", mapping=CORRECTED
    )
    client = client_for(world.manager)
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import",
        {
            "content_base64": base64.b64encode(WEEK_1).decode(),
            "saved_mapping": "Globex weekly",
            "mode": "all",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "saved_mapping" in response.json()["fields"]
    assert "Globex weekly" in response.json()["message"]
    assert letters(world) == {}


def test_the_api_reads_a_file_with_a_saved_mapping_and_an_inline_meaning_wins(
    world, small, client_for
):
    save(world, mapping={**CORRECTED, "Accountable": "C"})
    client = client_for(world.manager)
    body = {
        "content_base64": base64.b64encode(WEEK_1).decode(),
        "saved_mapping": "weekly raci",  # names match whatever their case
        "mapping": {"Accountable": "A"},
        "mode": "all",
    }
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    columns = {c["header"]: c["meaning"] for c in response.json()["summary"]["columns"]}
    assert columns == CORRECTED
    assert letters(world)[("Build the portal", "Ann Lee")] == "A"


def test_the_api_takes_a_saved_mapping_in_a_multipart_form(world, small, client_for):
    save(world)
    client = client_for(world.manager)
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import",
        {"file": SimpleUploadedFile("w.csv", WEEK_1), "saved_mapping": "Weekly RACI"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["valid_rows"] == 2


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("raci", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_cli_saves_a_mapping_by_name_and_reads_next_week_s_file_with_it(world, small, tmp_path):
    week_1, week_2 = tmp_path / "w1.csv", tmp_path / "w2.csv"
    week_1.write_bytes(WEEK_1)
    week_2.write_bytes(WEEK_2)
    maps = ["--map", "Ref=ignore", "--map", "Zone=activity"]
    out = run("import", "--project", "ALPHA", str(week_1), *maps, "--save-map-as", "Weekly RACI")
    assert "Saved the columns' meanings as “Weekly RACI”" in out
    saved = SavedMapping.objects.get()
    assert saved.mapping == CORRECTED and saved.created_by == world.owner  # the only owner

    run("import", "--project", "ALPHA", str(week_2), "--saved-map", "weekly raci")
    assert letters(world)[("Go-live decision", "Bob Ng")] == "R"


def test_the_cli_refuses_an_unknown_saved_mapping_and_imports_nothing(world, small, tmp_path):
    week_1 = tmp_path / "w1.csv"
    week_1.write_bytes(WEEK_1)
    with pytest.raises(CommandError, match="--saved-map: There is no saved mapping “Nope”"):
        run("import", "--project", "ALPHA", str(week_1), "--saved-map", "Nope")
    assert letters(world) == {}


def test_a_refused_name_on_reread_saves_nothing_and_the_file_is_still_read_again(
    world, small, client_for
):
    client = client_for(world.manager)
    preview = upload(client, WEEK_1)
    page = reread(client, preview, CORRECTED, save_as="x" * 81).content.decode()
    assert "Save these column meanings as: Keep the name under 80 characters." in page
    assert "Columns read with the saved mapping" not in page
    assert "Import all 2 activities" in page  # the PM's meanings are kept for this upload
    assert not SavedMapping.objects.exists()
