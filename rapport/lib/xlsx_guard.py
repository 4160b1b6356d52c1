"""The zip-bomb check every XLSX upload passes before openpyxl opens it.

An XLSX is a zip of XML. Parsing time and memory grow with the unpacked size, not the upload's,
so a 7 MB file that unpacks to 194 MB ties up a worker for half a minute. The zip's directory
says how large each part unpacks; Python's zipfile never inflates a part beyond that, so checking
the directory is enough, and costs microseconds.
"""

import io
import zipfile

from django.conf import settings

MAX_MEMBERS = 500
# Below this a part is too small to matter, whatever its ratio (tiny XML parts compress 100x).
RATIO_FLOOR_BYTES = 1024 * 1024


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return (
            f"{n / 1024 / 1024:.0f} MB" if n % (1024 * 1024) == 0 else f"{n / 1024 / 1024:.1f} MB"
        )
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def xlsx_archive_problem(content: bytes, *, what: str) -> str | None:
    """Why this XLSX must not be opened, in words for the person who uploaded it, or None.

    `what` names the thing imported ("register", "RACI") for the message.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "The file looks like an XLSX but is damaged (not a valid zip archive)."
    if len(members) > MAX_MEMBERS:
        return f"The XLSX file has too many parts to be a {what}; save it again from Excel."
    unpacked = sum(member.file_size for member in members)
    # A bomb is named as one; a merely large workbook gets the size message.
    max_ratio = settings.RAPPORT_IMPORT_MAX_COMPRESSION_RATIO
    packed = sum(member.compress_size for member in members)
    suspicious = [
        member
        for member in members
        if member.file_size > RATIO_FLOOR_BYTES
        and member.file_size > max_ratio * max(member.compress_size, 1)
    ]
    if suspicious or (unpacked > RATIO_FLOOR_BYTES and unpacked > max_ratio * max(packed, 1)):
        return (
            f"The XLSX file is compressed more than {max_ratio} to 1, which real spreadsheets "
            "never are (a zip bomb?). It was not opened; save it again from Excel, or as CSV."
        )
    limit = settings.RAPPORT_IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        return (
            f"The XLSX file expands to {human_size(unpacked)} when unpacked, more than the "
            f"{human_size(limit)} a {what} import may take. It was not opened and nothing was "
            "imported: remove unused sheets, columns or formatting, or save it as CSV."
        )
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(
        name.startswith("xl/worksheets/") for name in names
    ):
        return "The file is a zip archive but not an Excel workbook: upload a CSV or XLSX file."
    return None
