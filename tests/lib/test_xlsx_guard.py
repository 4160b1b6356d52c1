"""An XLSX is checked for its unpacked size and compression ratio before it is opened: a small
upload that unpacks to hundreds of MB is refused at once with a clear message, on every import."""

import base64
import io
import zipfile

import openpyxl
import pytest

from rapport.accounts import services as accounts
from rapport.stakeholders.models import Party
from rapport.stakeholders.spreadsheets import FileProblem, read_table

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def _archive(sheet_xml: bytes) -> bytes:
    """The parts of an XLSX the guard looks at, with a sheet of the given XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def _rows_of_xml(megabytes: int) -> bytes:
    # Numbered rows compress like a real sheet (tens to one), not like a run of zeros.
    row = '<row r="{0}"><c r="A{0}" t="inlineStr"><is><t>Party {0}</t></is></c></row>'
    xml, size, number = [], 0, 1
    while size < megabytes * MB:
        line = row.format(number * 7919 % 1000003).encode()
        xml.append(line)
        size += len(line)
        number += 1
    return b"".join(xml)


@pytest.fixture(scope="module")
def expands_to_60_mb() -> bytes:
    return _archive(_rows_of_xml(60))


def _register_import_via_api(client, user, content: bytes):
    _, token = accounts.api_token_create(actor=user, name="tests")
    body = {"filename": "register.xlsx", "content_base64": base64.b64encode(content).decode()}
    return client.post(
        "/api/v1/orgs/acme/register-import?mode=all",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_small_xlsx_that_expands_past_50_mb_is_refused_unopened(world, client, expands_to_60_mb):
    assert len(expands_to_60_mb) < 10 * MB  # within the upload limit: only unpacking is too big
    before = Party.objects.count()
    response = _register_import_via_api(client, world.owner, expands_to_60_mb)
    assert response.status_code == 400
    message = response.json()["message"]
    assert "expands to 60.0 MB when unpacked, more than the 50 MB a register import" in message
    assert "nothing was imported" in message
    assert Party.objects.count() == before


def test_the_raci_import_refuses_it_too(world, client, expands_to_60_mb):
    _, token = accounts.api_token_create(actor=world.manager, name="tests")
    body = {"filename": "raci.xlsx", "content_base64": base64.b64encode(expands_to_60_mb).decode()}
    response = client.post(
        f"/api/v1/projects/{world.alpha.pk}/raci/import",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "more than the 50 MB a RACI import may take" in response.json()["message"]


def test_an_xlsx_compressed_like_a_zip_bomb_is_refused_below_the_size_limit(db):
    bomb = _archive(b"0" * (20 * MB))  # 20 MB of zeros pack into some 20 KB
    with pytest.raises(FileProblem, match="compressed more than 100 to 1"):
        read_table(bomb, max_bytes=10 * MB)


def _real_workbook(rows: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Organisation", "Notes"])
    for number in range(rows):
        sheet.append([f"Person {number}", "Acme", f"Met at the kick-off, number {number}"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_real_workbook_passes_and_both_limits_are_settings(db, settings):
    workbook = _real_workbook(500)
    assert len(read_table(workbook, max_bytes=10 * MB).rows) == 500
    settings.RAPPORT_IMPORT_MAX_UNPACKED_BYTES = 20 * 1024
    with pytest.raises(FileProblem, match="more than the 20 KB"):
        read_table(workbook, max_bytes=10 * MB)
    settings.RAPPORT_IMPORT_MAX_UNPACKED_BYTES = 50 * MB
    settings.RAPPORT_IMPORT_MAX_COMPRESSION_RATIO = 2
    big = _archive(_rows_of_xml(2))
    with pytest.raises(FileProblem, match="compressed more than 2 to 1"):
        read_table(big, max_bytes=10 * MB)
