"""Saved column mappings for the register and customers imports: corrected once on the preview,
saved under a name shared by the organisation, chosen again for next week's file from the upload
page, the API or the CLI; listed and deleted on their own page."""

import base64
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from rapport.stakeholders import saved_mappings
from rapport.stakeholders.models import Party, RegisterImport, SavedMapping

pytestmark = pytest.mark.django_db

# "Zone" is no header Rapport knows: unguessed, it is ignored.
WEEK_1 = b"Full name,Zone,Company\r\nAnn Smith,North,Initech\r\nBo Diaz,South,Initech\r\n"
WEEK_2 = b"Full name,Zone,Company\r\nAnn Smith,West,Initech\r\nCy Park,East,Hooli\r\n"
CORRECTED = {"Full name": "name", "Zone": "department", "Company": "organisation"}
REGISTER = "/o/acme/register/import/"


def departments():
    return dict(Party.objects.values_list("name", "department"))


def upload(client, content, url=REGISTER, **fields):
    response = client.post(url, {"file": SimpleUploadedFile("weekly.csv", content), **fields})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def reread(client, preview_url, meanings: dict, **extra):
    data = {"reread": "1", **extra}
    for index, (header, meaning) in enumerate(meanings.items()):
        data[f"header-{index}"] = header
        data[f"meaning-{index}"] = meaning
    return client.post(preview_url, data, follow=True)


def save(world, name="Weekly register", kind="register", mapping=None, org=None, **options):
    return saved_mappings.save_mapping(
        actor=world.owner,
        org=org or world.acme,
        kind=kind,
        name=name,
        mapping=mapping or CORRECTED,
        **options,
    )


# --- the web pages ---------------------------------------------------------------------------------


def test_a_mapping_saved_on_the_preview_reads_next_week_s_file_the_same_way(world, client_for):
    client = client_for(world.owner)
    form = client.get(REGISTER).content.decode()
    assert "No saved column mappings for this import yet" in form
    preview = upload(client, WEEK_1)
    assert "Zone" in client.get(preview).content.decode()

    page = reread(client, preview, CORRECTED, save_as="Weekly register").content.decode()
    assert "Saved these column meanings as “Weekly register”" in page
    assert client.post(preview, {"mode": "all"}).status_code == 302
    assert departments() == {"Ann Smith": "North", "Bo Diaz": "South"}

    form = client.get(REGISTER).content.decode()
    assert "Guess from the headers" in form and '<option value="Weekly register">' in form
    preview = upload(client, WEEK_2, saved_mapping="Weekly register")
    page = client.get(preview).content.decode()
    assert page.count("(your choice)") == 3
    assert client.post(preview, {"mode": "all"}).status_code == 302
    assert departments() == {"Ann Smith": "West", "Bo Diaz": "South", "Cy Park": "East"}


def test_without_a_saved_mapping_the_same_file_leaves_the_unknown_column_out(world, client_for):
    client = client_for(world.owner)
    preview = upload(client, WEEK_1)
    assert client.post(preview, {"mode": "all"}).status_code == 302
    assert departments() == {"Ann Smith": "", "Bo Diaz": ""}


def test_the_name_typed_on_the_preview_saves_the_meanings_shown_when_importing(world, client_for):
    client = client_for(world.owner)
    preview = upload(client, WEEK_1)
    reread(client, preview, CORRECTED)
    assert client.post(preview, {"mode": "all", "save_as": "  Initech list "}).status_code == 302
    saved = SavedMapping.objects.get()
    assert (saved.kind, saved.name, saved.mapping, saved.created_by) == (
        "register",
        "Initech list",
        CORRECTED,
        world.owner,
    )


def test_a_project_s_customers_import_has_its_own_saved_mappings(world, client_for):
    save(world, name="Register only")
    save(world, name="Customers weekly", kind="customers")
    client = client_for(world.manager)
    form = client.get("/o/acme/p/ALPHA/customers/import/").content.decode()
    assert "Customers weekly" in form and "Register only" not in form
    preview = upload(
        client, WEEK_1, url="/o/acme/p/ALPHA/customers/import/", saved_mapping="Customers weekly"
    )
    assert client.post(preview, {"mode": "all"}).status_code == 302
    assert departments() == {"Ann Smith": "North", "Bo Diaz": "South"}


def test_a_refused_name_on_the_preview_says_why_and_saves_nothing(world, client_for):
    client = client_for(world.owner)
    preview = upload(client, WEEK_1)
    page = client.post(preview, {"mode": "all", "save_as": "x" * 81}, follow=True)
    text = page.content.decode()
    assert "Save these column meanings as: Keep the name under 80 characters." in text
    assert "Nothing was saved" in text
    assert not SavedMapping.objects.exists() and not Party.objects.exists()


def test_the_list_page_shows_the_saved_mappings_and_owners_delete_them(world, client_for):
    saved = save(world)
    page = client_for(world.viewer).get("/o/acme/saved-mappings/").content.decode()
    assert "Weekly register" in page and "Zone → Department" in page and "Delete" not in page
    client = client_for(world.owner)
    assert "Delete" in client.get("/o/acme/saved-mappings/").content.decode()
    response = client.post(f"/o/acme/saved-mappings/{saved.pk}/delete/", follow=True)
    assert "Saved mapping “Weekly register” deleted" in response.content.decode()
    assert not SavedMapping.objects.exists()
    assert LogEntry.objects.get_for_object(saved).filter(action=LogEntry.Action.DELETE).exists()


def test_the_list_page_tells_what_to_do_when_nothing_is_saved(world, client_for):
    page = client_for(world.member).get("/o/acme/saved-mappings/").content.decode()
    assert "No saved column mappings yet" in page
    assert "Save these column meanings as" in page


def test_outsiders_and_other_organisations_see_nothing(world, client_for):
    saved = save(world)
    client = client_for(world.outsider)
    assert client.get("/o/acme/saved-mappings/").status_code == 404
    assert client.post(f"/o/acme/saved-mappings/{saved.pk}/delete/").status_code == 404
    assert client.post(f"/o/globex/saved-mappings/{saved.pk}/delete/").status_code == 404
    assert SavedMapping.objects.exists()
    assert (
        client_for(world.manager).post(f"/o/acme/saved-mappings/{saved.pk}/delete/").status_code
        == 403
    )


def test_the_list_page_costs_the_same_with_thousands_of_mappings(
    world, client_for, django_assert_max_num_queries
):
    SavedMapping.objects.bulk_create(
        SavedMapping(org=world.acme, kind="raci", name=f"Map {i}", mapping={"Zone": "activity"})
        for i in range(3000)
    )
    client = client_for(world.owner)
    client.get("/o/acme/saved-mappings/")  # sessions and caches warmed
    with django_assert_max_num_queries(12):
        page = client.get("/o/acme/saved-mappings/", {"page": 40})
    assert page.status_code == 200 and b"in all" in page.content


# --- the service -----------------------------------------------------------------------------------


def test_a_name_is_unique_per_organisation_and_import_whatever_its_case(world):
    save(world)
    with pytest.raises(ValidationError) as refused:
        save(world, name="WEEKLY register", overwrite=False)
    assert refused.value.message_dict == {
        "name": ["There is a saved mapping “WEEKLY register” already."]
    }
    save(world, kind="raci", mapping={"Zone": "activity"})  # another import: another name space
    save(world, org=world.globex)  # another organisation
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedMapping.objects.create(org=world.acme, kind="register", name="weekly REGISTER")
    assert SavedMapping.objects.filter(org=world.acme, kind="register").count() == 1


def test_saving_under_a_taken_name_replaces_that_mapping(world):
    first = save(world)
    again = save(world, name="weekly register", mapping={"Zone": "ignore", "Full name": "name"})
    assert again.pk == first.pk and SavedMapping.objects.count() == 1
    assert again.mapping == {"Zone": "ignore", "Full name": "name"}


@pytest.mark.parametrize(
    "kind, mapping, message",
    [
        ("register", {"Zone": "activity"}, "The column “Zone” cannot mean “activity”"),
        ("raci", {"Zone": "department"}, "The column “Zone” cannot mean “department”"),
        ("customers", {"Zone": "colour"}, "The column “Zone” cannot mean “colour”"),
        ("register", {"  ": "name"}, "The mapping has no column with a header."),
        ("register", ["Zone=name"], "Give the columns as {header: meaning}."),
    ],
)
def test_a_meaning_the_import_does_not_have_is_refused_naming_the_header(
    world, kind, mapping, message
):
    with pytest.raises(ValidationError) as refused:
        save(world, kind=kind, mapping=mapping)
    assert message in refused.value.message_dict["mapping"][0]
    assert not SavedMapping.objects.exists()


def test_hostile_names_are_refused_or_made_one_line(world):
    with pytest.raises(ValidationError) as refused:
        save(world, name="   ")
    assert "name" in refused.value.message_dict
    assert save(world, name="Weekly\r\nBcc: x").name == "Weekly Bcc: x"


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_lists_creates_and_deletes_saved_mappings(world, client_for):
    client = client_for(world.owner)
    url = "/api/v1/orgs/acme/saved-mappings"
    created = client.post(
        url,
        {"name": "Weekly register", "kind": "register", "mapping": CORRECTED},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["mapping"] == CORRECTED
    assert created.json()["created_by"] == "Olga Owner"
    body = client.get(url, {"kind": "register"}).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "Weekly register"
    assert client.get(url, {"kind": "raci"}).json()["count"] == 0
    assert client.get(url, {"kind": "colour"}).status_code == 400

    duplicate = client.post(
        url,
        {"name": "weekly register", "kind": "register", "mapping": CORRECTED},
        content_type="application/json",
    )
    assert duplicate.status_code == 400 and "name" in duplicate.json()["fields"]
    replaced = client.post(
        url,
        {
            "name": "weekly register",
            "kind": "register",
            "mapping": {"Zone": "ignore"},
            "overwrite": True,
        },
        content_type="application/json",
    )
    assert replaced.status_code == 201 and replaced.json()["id"] == created.json()["id"]

    assert client.delete(f"{url}/{created.json()['id']}").status_code == 204
    assert not SavedMapping.objects.exists()


def test_the_api_refuses_a_bad_meaning_naming_the_header_and_saves_nothing(world, client_for):
    response = client_for(world.owner).post(
        "/api/v1/orgs/acme/saved-mappings",
        {"name": "Bad", "kind": "register", "mapping": {"Zone": "R"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "The column “Zone” cannot mean “R”" in response.json()["fields"]["mapping"][0]
    assert not SavedMapping.objects.exists()


def test_the_list_endpoint_costs_the_same_with_thousands_of_mappings(
    world, client_for, django_assert_max_num_queries
):
    SavedMapping.objects.bulk_create(
        SavedMapping(org=world.acme, kind="raci", name=f"Map {i}", mapping={"Zone": "activity"})
        for i in range(3000)
    )
    client = client_for(world.viewer)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/orgs/acme/saved-mappings", {"limit": 100, "offset": 2000}).json()
    assert body["count"] == 3000 and len(body["items"]) == 100


def test_the_import_endpoint_reads_a_file_with_a_saved_mapping_and_an_inline_meaning_wins(
    world, client_for
):
    save(world, mapping={**CORRECTED, "Company": "ignore"})
    client = client_for(world.owner)
    response = client.post(
        "/api/v1/orgs/acme/register-import",
        {
            "content_base64": base64.b64encode(WEEK_1).decode(),
            "saved_mapping": "Weekly register",
            "mapping": {"Company": "organisation"},
            "mode": "all",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert departments() == {"Ann Smith": "North", "Bo Diaz": "South"}
    assert set(Party.objects.values_list("organisation", flat=True)) == {"Initech"}


def test_another_organisation_s_saved_mapping_is_unknown_to_the_import_endpoint(world, client_for):
    save(world, org=world.globex, name="Globex weekly")
    client = client_for(world.owner)
    for body in (
        {"content_base64": base64.b64encode(WEEK_1).decode(), "saved_mapping": "Globex weekly"},
        {"file": SimpleUploadedFile("w.csv", WEEK_1), "saved_mapping": "Globex weekly"},
    ):
        extra = {"content_type": "application/json"} if "content_base64" in body else {}
        response = client.post(
            f"/api/v1/projects/{world.alpha.pk}/register-import", {**body, "mode": "all"}, **extra
        )
        assert response.status_code == 400
        assert (
            "There is no saved mapping “Globex weekly”"
            in response.json()["fields"]["saved_mapping"][0]
        )
    assert not Party.objects.exists()
    assert not RegisterImport.objects.exists()


# --- the CLI ---------------------------------------------------------------------------------------


def register(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("register", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_cli_saves_a_mapping_by_name_and_reads_next_week_s_file_with_it(world, tmp_path):
    week_1, week_2 = tmp_path / "w1.csv", tmp_path / "w2.csv"
    week_1.write_bytes(WEEK_1)
    week_2.write_bytes(WEEK_2)
    out = register(
        "import", "--org", "acme", str(week_1), "--map", "Zone=department", "--dry-run",
        "--save-map-as", "Weekly register",
    )  # fmt: skip
    assert "Saved the columns' meanings as “Weekly register”" in out
    assert SavedMapping.objects.get().mapping == CORRECTED and not Party.objects.exists()

    register("import", "--org", "acme", str(week_2), "--saved-map", "Weekly register")
    assert departments() == {"Ann Smith": "West", "Cy Park": "East"}


def test_the_cli_refuses_another_organisation_s_saved_mapping(world, tmp_path):
    save(world, org=world.globex, name="Globex weekly")
    week_1 = tmp_path / "w1.csv"
    week_1.write_bytes(WEEK_1)
    with pytest.raises(CommandError, match="--saved-map: There is no saved mapping"):
        register("import", "--org", "acme", str(week_1), "--saved-map", "Globex weekly")
    assert not Party.objects.exists()
