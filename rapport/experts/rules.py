"""Expert rules: which of a project's areas has no expert consulted, and whom to suggest.
Pure logic: plain ids in, findings out."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# The letters that count as "helped the project" in the RACI.
HELPED_LETTERS = ("R", "C")
# Asked first: the available ones, then the limited; the unavailable are not suggested.
AVAILABILITY_ORDER = {"available": 0, "limited": 1}
SUGGESTIONS_PER_ACTIVITY = 3


@dataclass(frozen=True)
class Suggestion:
    """Add ``party_id`` as Consulted on ``activity_id``: an expert of ``area_id``."""

    area_id: int
    activity_id: int
    party_id: int


def areas_without_expert(
    activities_by_area: Mapping[int, Iterable[int]],
    consulted: Iterable[tuple[int, int]],
    experts_by_area: Mapping[int, Iterable[int]],
) -> list[int]:
    """The areas (ids, in the order given) none of whose activities has one of the area's own
    experts as Consulted. ``consulted`` holds (activity id, party id) pairs of C letters."""
    consulted = set(consulted)
    missing = []
    for area_id, activity_ids in activities_by_area.items():
        experts = set(experts_by_area.get(area_id, ()))
        if not any((a, p) in consulted for a in activity_ids for p in experts):
            missing.append(area_id)
    return missing


def consult_suggestions(
    activities_by_area: Mapping[int, Iterable[int]],
    letters: Mapping[int, Mapping[int, str]],
    experts_by_area: Mapping[int, Iterable[int]],
    availability: Mapping[int, str],
    *,
    per_activity: int = SUGGESTIONS_PER_ACTIVITY,
) -> list[Suggestion]:
    """For each activity of an area that has none of the area's experts as Consulted: up to
    ``per_activity`` experts of the area to add as Consulted, the available ones first. An expert
    who already holds a letter on the activity is not suggested (making them C would take away
    their R, A or I), nor one who is unavailable. ``letters``: activity id -> {party id: letter};
    ``availability``: party id -> available / limited / unavailable."""
    found = []
    for area_id, activity_ids in activities_by_area.items():
        experts = [
            p for p in experts_by_area.get(area_id, ()) if availability.get(p) in AVAILABILITY_ORDER
        ]
        experts.sort(key=lambda p: AVAILABILITY_ORDER[availability[p]])
        all_experts = set(experts_by_area.get(area_id, ()))
        for activity_id in activity_ids:
            held = letters.get(activity_id, {})
            if any(held.get(p) == "C" for p in all_experts):
                continue
            free = [p for p in experts if p not in held][:per_activity]
            found.extend(Suggestion(area_id, activity_id, p) for p in free)
    return found
