"""Reading the exports PMs already have into the RACI import: Jira and Asana CSV (their columns
are synonyms in rapport.lib.columns, so they read as a list layout; this only names them), and
MS Project XML (MSPDI), turned here into list-layout rows.

MSPDI: summary tasks at the top outline level become phases, the tasks under them activities
with their planned start and finish, and the resources assigned to a task its Responsible.
Predecessor links are read into a column the import notes as not imported (activities have no
dependencies in Rapport).
"""

from __future__ import annotations

from rapport.lib import columns

from .spreadsheets import FileProblem

MSPDI_NAMESPACE = "http://schemas.microsoft.com/project"
MSPDI_HEADER = ["Activity", "Phase", "Start", "Finish", "Responsible", "Predecessors"]


def is_mspdi(content: bytes) -> bool:
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and MSPDI_NAMESPACE.encode() in head


def export_notes(rows: list[list[str]]) -> list[str]:
    """A note naming the tool a CSV came from, when its header says so."""
    for row in rows[:5]:
        keys = {columns.norm(c) for c in row}
        if {"issue key", "summary"} <= keys:
            return ["Read as a Jira export: Summary is the activity, Assignee its Responsible."]
        if {"task id", "name", "assignee"} <= keys:
            return [
                "Read as an Asana export: Name is the activity, Assignee its Responsible, "
                "Section/Column its phase."
            ]
    return []


def mspdi_rows(content: bytes) -> tuple[list[list[str]], list[str]]:
    """The tasks of an MS Project XML file as list-layout rows (header first), and notes."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(content)
    except DefusedXmlException:
        raise FileProblem("The XML file uses entities or DTDs, which are refused.") from None
    except ElementTree.ParseError as error:
        raise FileProblem(f"The MS Project XML file cannot be read: {error}.") from None
    ns = {"p": MSPDI_NAMESPACE}

    def text(element, tag: str) -> str:
        found = element.find(f"p:{tag}", ns)
        return (found.text or "").strip() if found is not None else ""

    resources = {
        text(r, "UID"): text(r, "Name") for r in root.findall("p:Resources/p:Resource", ns)
    }
    assigned: dict[str, list[str]] = {}
    for a in root.findall("p:Assignments/p:Assignment", ns):
        name = resources.get(text(a, "ResourceUID"))
        if name:
            assigned.setdefault(text(a, "TaskUID"), []).append(name)
    tasks = root.findall("p:Tasks/p:Task", ns)
    name_of = {text(t, "UID"): text(t, "Name") for t in tasks}
    rows = [list(MSPDI_HEADER)]
    phase = ""
    for task in tasks:
        level = int(text(task, "OutlineLevel") or "1")
        name = text(task, "Name")
        if level == 0 or not name:
            continue  # the project's own summary task
        if text(task, "Summary") == "1":
            if level == 1:
                phase = name
            continue
        if level == 1:
            phase = ""
        predecessors = [
            name_of.get(text(link, "PredecessorUID"), "")
            for link in task.findall("p:PredecessorLink", ns)
        ]
        rows.append(
            [
                name,
                phase,
                text(task, "Start")[:10],
                text(task, "Finish")[:10],
                "; ".join(assigned.get(text(task, "UID"), [])),
                "; ".join(p for p in predecessors if p),
            ]
        )
    if len(rows) == 1:
        raise FileProblem("The MS Project XML file has no tasks.")
    notes = [
        "Read as an MS Project XML file: summary tasks are phases, assigned resources the "
        "Responsible."
    ]
    return rows, notes
