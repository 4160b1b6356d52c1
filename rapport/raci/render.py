"""The matrix table as HTML, built in one pass of string joins.

A 1,000 x 200 matrix is 200,000 cells: rendered by the template engine, each cell would cost
several tag evaluations. Here each cell is one short element (``<td class=lR>R</td>`` or
``<td></td>``), names are escaped once per row or column, and the table follows the ARIA data
grid pattern (a real table, th scope, one focusable cell at a time; see static/raci/matrix.js).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import MatrixActivity, MatrixParty, Row

KIND_LABELS = {"milestone": "milestone", "decision": "decision", "deliverable": "deliverable"}


def party_header(party: MatrixParty) -> str:
    name = escape(party.name)
    star = '<span class="mark" aria-hidden="true">★ </span>' if party.is_customer else ""
    notes = [
        text
        for text, on in (
            ("customer", party.is_customer),
            ("group", party.is_group),
            ("no longer on the project", not party.on_project),
        )
        if on
    ]
    hidden = f'<span class="visually-hidden">, {", ".join(notes)}</span>' if notes else ""
    classes = " ".join(
        c
        for c, on in (
            ("cust", party.is_customer),
            ("grp", party.is_group),
            ("gone", not party.on_project),
        )
        if on
    )
    cls = f' class="{classes}"' if classes else ""
    return (
        f'<th scope="col" id="p{party.id}" data-p="{party.id}"{cls} title="{name}">'
        f"{star}<span>{name}</span>{hidden}</th>"
    )


def activity_header(activity: MatrixActivity, ident: str) -> str:
    kind = KIND_LABELS.get(activity.kind)
    label = f' <span class="kind">{kind}</span>' if kind else ""
    done = (
        ""
        if activity.is_open
        else ' <span class="kind">' + escape(activity.status.replace("_", " ")) + "</span>"
    )
    return f'<th scope="row" id="{ident}">{escape(activity.name)}{label}{done}</th>'


def matrix_table(
    *,
    caption: str,
    groups: dict,
    rows: list[Row],
    parties: list[MatrixParty],
    letters: dict[int, dict[int, str]],
    editable: bool,
    cell_url: str,
    empty_groups: bool = False,
) -> SafeString:
    """The whole <table>: column headers, group headings and one row per activity."""
    out = [
        f'<table id="raci-grid" class="raci" role="grid" aria-describedby="raci-help" '
        f'aria-readonly="{"false" if editable else "true"}" data-cell-url="{escape(cell_url)}">',
        f'<caption id="raci-caption">{escape(caption)}</caption>',
        '<thead><tr><th scope="col" class="corner">Activity</th>',
        *(party_header(p) for p in parties),
        "</tr></thead>",
    ]
    width = len(parties) + 1
    first_cell = True
    seen: dict[int, int] = {}
    by_group: dict = {}
    for row in rows:
        by_group.setdefault(row.group, []).append(row)
    order = list(groups) if empty_groups else list(dict.fromkeys(r.group for r in rows))
    for group in order:
        group_rows = by_group.get(group, [])
        if not group_rows and not empty_groups:
            continue
        ident = f"g{group[0]}{group[1] if group[1] is not None else 'x'}"
        out.append(
            f'<tbody><tr class="group"><th scope="rowgroup" colspan="{width}" id="{ident}">'
            f"{escape(groups[group])}</th></tr>"
        )
        if not group_rows:
            out.append(
                f'<tr class="group empty"><td colspan="{width}">No activity here yet.</td></tr>'
            )
        for row in group_rows:
            activity = row.activity
            count = seen.get(activity.id, 0)
            seen[activity.id] = count + 1
            ident = f"a{activity.id}" if count == 0 else f"a{activity.id}-{count}"
            row_letters = letters.get(activity.id, {})
            adw = activity.accountable_does_work
            out.append(
                f'<tr data-a="{activity.id}"{" data-adw" if adw else ""}>'
                + activity_header(activity, ident)
            )
            cells = []
            for party in parties:
                letter = row_letters.get(party.id)
                if first_cell:
                    tab = ' tabindex="0"'
                    first_cell = False
                else:
                    tab = ""
                if letter:
                    shown = "A/R" if letter == "A" and adw else letter
                    cells.append(f'<td class="l{letter}"{tab}>{shown}</td>')
                else:
                    cells.append(f"<td{tab}></td>")
            out.append("".join(cells))
            out.append("</tr>")
        out.append("</tbody>")
    out.append("</table>")
    return mark_safe("".join(out))  # noqa: S308 - every name above is escaped
