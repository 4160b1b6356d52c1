"""Estimate versions as pure logic: what a snapshot holds, its digest, and what changed between
any two snapshots. No Django imports.

A snapshot is plain JSON: the estimated activities (three-point ranges as decimal text, basis of
estimate), the finish-to-start dependencies (activity id pairs), the names of every activity it
mentions (so an old version reads right after a rename or a deletion) and the sponsor's target.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# the parts of an activity's estimate a version compares, and how people call them
ESTIMATE_PARTS = (
    ("duration", "duration (working days)"),
    ("cost", "cost"),
    ("method", "method"),
    ("assumptions", "assumptions"),
    ("source", "source"),
    ("estimated_by_name", "estimated by"),
)
CONSTRAINT_PARTS = (
    ("finish_date", "finish by"),
    ("budget", "budget"),
    ("stated_by_name", "stated by"),
    ("stated_on", "stated on"),
    ("notes", "notes"),
)
TARGET = "sponsor's target"


@dataclass(frozen=True)
class Change:
    """One difference between two versions: about what (an activity's name or the sponsor's
    target), which part, and the values before and after (None: absent)."""

    subject: str
    part: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict:
        return {
            "subject": self.subject,
            "part": self.part,
            "before": self.before,
            "after": self.after,
        }


def empty_snapshot() -> dict:
    return {"activities": [], "dependencies": [], "names": {}, "constraint": None}


def digest(snapshot: dict) -> str:
    """A fingerprint of the estimate content (names and display-only fields left out), so two
    versions with the same estimates and target have the same digest."""
    content = {
        "activities": sorted(
            (
                {
                    k: a.get(k)
                    for k in (
                        "id",
                        "duration",
                        "cost",
                        "method",
                        "assumptions",
                        "source",
                        "estimated_by",
                    )
                }
                for a in snapshot.get("activities", [])
            ),
            key=lambda a: str(a["id"]),
        ),
        "dependencies": sorted([list(map(str, pair)) for pair in snapshot.get("dependencies", [])]),
        "constraint": (
            {k: v for k, v in snapshot["constraint"].items() if k != "stated_by_name"}
            if snapshot.get("constraint")
            else None
        ),
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def number_text(value) -> str:
    """Decimal text without trailing zeros and with thousands separators: '1,500', '2.5'."""
    if value is None:
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number.normalize():,f}"


def three_point_text(values) -> str | None:
    """'5 / 8 / 14' (optimistic / most likely / pessimistic)."""
    if values is None:
        return None
    return " / ".join(number_text(v) for v in values)


def _part_text(part: str, value) -> str | None:
    if value is None or value == "":
        return None
    if part in ("duration", "cost"):
        return three_point_text(value)
    if part == "budget":
        return number_text(value)
    return str(value)


def _name(snapshot: dict, activity_id) -> str:
    names = snapshot.get("names", {})
    return names.get(str(activity_id)) or f"activity #{activity_id}"


def _predecessors(snapshot: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pred, succ in snapshot.get("dependencies", []):
        found.setdefault(str(succ), []).append(str(pred))
    return found


def compare(old: dict, new: dict) -> list[Change]:
    """Every difference from ``old`` to ``new``: estimates added, removed or changed (part by
    part), dependencies per successor, and the sponsor's target."""
    changes: list[Change] = []
    before = {str(a["id"]): a for a in old.get("activities", [])}
    after = {str(a["id"]): a for a in new.get("activities", [])}
    order = [str(a["id"]) for a in new.get("activities", [])] + [
        aid for aid in before if aid not in after
    ]
    for aid in order:
        a, b = before.get(aid), after.get(aid)
        subject = (b or a)["name"]
        if a is None:
            changes.append(Change(subject, "estimate", None, _estimate_text(b)))
            continue
        if b is None:
            changes.append(Change(subject, "estimate", _estimate_text(a), None))
            continue
        for key, label in ESTIMATE_PARTS:
            x, y = _part_text(key, a.get(key)), _part_text(key, b.get(key))
            if x != y:
                changes.append(Change(subject, label, x, y))

    preds_old, preds_new = _predecessors(old), _predecessors(new)
    successors = list(dict.fromkeys([*preds_new, *preds_old]))
    for succ in successors:
        x = sorted(_name(old, p) for p in preds_old.get(succ, []))
        y = sorted(_name(new, p) for p in preds_new.get(succ, []))
        if x != y:
            subject = _name(new, succ) if succ in new.get("names", {}) else _name(old, succ)
            changes.append(
                Change(subject, "depends on", ", ".join(x) or None, ", ".join(y) or None)
            )

    c_old, c_new = old.get("constraint") or {}, new.get("constraint") or {}
    for key, label in CONSTRAINT_PARTS:
        x, y = _part_text(key, c_old.get(key)), _part_text(key, c_new.get(key))
        if x != y:
            changes.append(Change(TARGET, label, x, y))
    return changes


def _estimate_text(activity: dict) -> str:
    return (
        f"duration {three_point_text(activity.get('duration'))} days, "
        f"cost {three_point_text(activity.get('cost'))}"
    )


def summary(changes: list[Change], limit: int = 480) -> str:
    """One line: 'Build: duration, cost; Test: estimate added; sponsor's target: budget'."""
    parts: dict[str, list[str]] = {}
    for c in changes:
        if c.part == "estimate":
            word = "estimate added" if c.before is None else "estimate removed"
        else:
            word = c.part.split(" (")[0]
        parts.setdefault(c.subject, []).append(word)
    text = "; ".join(f"{s}: {', '.join(dict.fromkeys(w))}" for s, w in parts.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"
