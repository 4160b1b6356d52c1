"""Education rules: the default catalogue, who understood what, what the current work touches,
and the "let me restate…" suggestions for a meeting. Pure logic: plain data in, findings out."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ESTIMATE_TOPIC = "Contingency and how the estimate was developed"

# (name, restate, keywords, suggested when the sponsor's target is missed)
DEFAULT_TOPICS = (
    (
        "Relational databases",
        "Our data lives in tables that point to each other; changing one table's shape can ripple "
        "through every report that reads it.",
        "database, databases, schema, data model, data migration, tables",
        False,
    ),
    (
        "SQL",
        "SQL is the language the reports ask the database with; a new question often means a new "
        "query, tested like code.",
        "sql, query, queries, data extract",
        False,
    ),
    (
        "Virtual vs physical servers",
        "A virtual server is a slice of a shared machine: quick to add and resize; a physical one "
        "is ours alone, slower to get and to change.",
        "server, servers, hosting, virtual machine, vm, cloud, data centre, data center",
        False,
    ),
    (
        "Security",
        "Every new door into the system is also a way in for others: access rights, passwords and "
        "reviews take time, and they are part of the work.",
        "security, access rights, password, login, permissions, firewall, penetration, gdpr, privacy",
        False,
    ),
    (
        "Why regular upgrades matter",
        "Software we do not upgrade stops getting security fixes and gets harder to move later; "
        "small regular upgrades cost less than one big one.",
        "upgrade, upgrades, patch, patches, end of life, new version",
        False,
    ),
    (
        ESTIMATE_TOPIC,
        "The estimate is a range, not a number: each task has a best, likely and worst case, and "
        "the contingency is sized by simulation so that we are 80% sure to make it.",
        "estimate, contingency",
        True,
    ),
)

UNDERSTANDING_ORDER = {"not_yet": 0, "partly": 1, "understood": 2}
NEEDS_RESTATING = ("not_yet", "partly", None)  # None: never explained to them


@dataclass(frozen=True)
class TopicFacts:
    id: int
    name: str
    restate: str = ""
    keywords: tuple[str, ...] = ()
    on_target_missed: bool = False


@dataclass(frozen=True)
class Suggestion:
    """Restate ``topic_name`` to ``who`` (stakeholder ids), because ``reason``."""

    topic_id: int
    topic_name: str
    reason: str
    who: tuple = ()
    sentence: str = ""
    details: dict = field(default_factory=dict, compare=False)


def latest_understanding(
    records: Iterable[tuple[int, int, object, str]],
) -> dict[tuple[int, int], str]:
    """``(topic, stakeholder, when, understanding)`` records -> the latest understanding of each
    (topic, stakeholder) pair. ``when`` orders them (a date, or a (date, id) tuple)."""
    latest: dict[tuple[int, int], tuple[object, str]] = {}
    for topic_id, stakeholder_id, when, understanding in records:
        key = (topic_id, stakeholder_id)
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, understanding)
    return {key: value for key, (_, value) in latest.items()}


def target_missed(result: Mapping | None, *, confidence_label: str = "") -> str | None:
    """Why the latest simulation misses the sponsor's target, in words, or None when it meets it
    (or there is no target or no simulation). ``result`` is a simulation's JSON: its
    ``what_it_would_take`` gives the gap between the estimate at the run's confidence and the
    target (positive: missed)."""
    if not result:
        return None
    take = result.get("what_it_would_take") or {}
    label = confidence_label or f"P{round(float(take.get('confidence') or 0.8) * 100)}"
    parts = []
    finish_gap, cost_gap = take.get("finish_gap"), take.get("cost_gap")
    if isinstance(finish_gap, (int, float)) and finish_gap > 0:
        parts.append(f"finishes {finish_gap:.0f} working days after the sponsor's date")
    if isinstance(cost_gap, (int, float)) and cost_gap > 0:
        parts.append(f"costs {cost_gap:,.0f} more than the sponsor's budget")
    if not parts:
        return None
    return f"the estimate's {label} " + " and ".join(parts)


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", (text or "").lower())) + " "


def touched_topics(
    topics: Iterable[TopicFacts], work: Iterable[str], *, missed: str | None = None
) -> dict[int, str]:
    """The topics the current work touches, each with why: a keyword (as a whole word or phrase)
    in the name or description of an activity under way or starting soon, or the sponsor's
    target missed for a topic marked so."""
    work = list(work)
    texts = [(w, _words(w)) for w in work]
    touched = {}
    for topic in topics:
        if topic.on_target_missed and missed:
            touched[topic.id] = missed
            continue
        for keyword in topic.keywords:
            needle = _words(keyword)
            if needle.strip() == "":
                continue
            hit = next((original for original, text in texts if needle in text), None)
            if hit is not None:
                touched[topic.id] = f"current work touches it (“{hit[:80]}”)"
                break
    return touched


def sentence(topic: TopicFacts, reason: str) -> str:
    """The one line a PM can say at the meeting."""
    restate = topic.restate.strip()
    name = topic.name
    if name[1:2].islower():  # "Security" reads "security"; "SQL" stays "SQL"
        name = name[:1].lower() + name[1:]
    base = f"Let me restate {name}"
    return f"{base}, because {reason}: {restate}" if restate else f"{base}, because {reason}."


def restate_suggestions(
    topics: Iterable[TopicFacts],
    attendees: Iterable[int],
    understanding: Mapping[tuple[int, int], str],
    touched: Mapping[int, str],
) -> list[Suggestion]:
    """For a meeting with ``attendees`` (stakeholder ids): the topics the current work touches
    (``touched``: topic id -> why) that at least one attendee has not yet seen, or only partly
    understood. Each names who needs it. Topics everyone has understood are left out: no need to
    restate what is clear. Order: the most people first, then the catalogue's order."""
    attendees = list(dict.fromkeys(attendees))
    found = []
    for position, topic in enumerate(topics):
        if topic.id not in touched:
            continue
        who = tuple(a for a in attendees if understanding.get((topic.id, a)) in NEEDS_RESTATING)
        if not who:
            continue
        reason = touched[topic.id]
        found.append(
            (
                -len(who),
                position,
                Suggestion(
                    topic_id=topic.id,
                    topic_name=topic.name,
                    reason=reason,
                    who=who,
                    sentence=sentence(topic, reason),
                ),
            )
        )
    return [s for _, _, s in sorted(found, key=lambda x: (x[0], x[1]))]
