"""Reads about experts that the pages and the API share: the directory and its search, the
projects each expert helped, and a project's areas with the experts it consults or could."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.http import Http404

from rapport.accounts.models import OrgMembership, OrgRole
from rapport.projects.models import Project
from rapport.raci.models import Activity, Assignment

from . import rules
from .models import ActivityArea, Availability, Expert, Expertise


def expertise_list(org):
    return Expertise.objects.filter(org=org).order_by("name_key", "pk")


def expertise_get(org, area_id) -> Expertise:
    area = Expertise.objects.filter(org=org, pk=area_id).first()
    if area is None:
        raise Http404("No such area")
    return area


def expert_search(org, query: str = "", *, area_id: int | None = None, availability: str = ""):
    """Who knows about ``query``: experts with an area whose name contains it, or whose notes
    do; optionally only one area's experts, or one availability. Available ones first."""
    experts = (
        Expert.objects.filter(org=org)
        .select_related("party")
        .prefetch_related(Prefetch("areas", queryset=Expertise.objects.order_by("name_key")))
    )
    query = (query or "").strip()
    if query:
        in_area = Expertise.experts.through.objects.filter(
            expert_id=OuterRef("pk"), expertise__name__icontains=query
        )
        experts = experts.filter(Q(Exists(in_area)) | Q(notes__icontains=query))
    if area_id is not None:
        experts = experts.filter(
            Exists(
                Expertise.experts.through.objects.filter(
                    expert_id=OuterRef("pk"), expertise_id=area_id
                )
            )
        )
    if availability:
        experts = experts.filter(availability=availability)
    order = {v: i for i, v in enumerate(Availability.values)}
    rank = Case(
        *(When(availability=v, then=Value(i)) for v, i in order.items()),
        output_field=IntegerField(),
    )
    return experts.annotate(rank=rank).order_by("rank", "party__name", "pk")


def expert_get(org, expert_id) -> Expert:
    expert = (
        Expert.objects.filter(org=org, pk=expert_id)
        .select_related("party", "org")
        .prefetch_related("areas", "helped_projects")
        .first()
    )
    if expert is None:
        raise Http404("No such expert")
    return expert


def visible_project_ids(user, org) -> set[int] | None:
    """The ids of the organisation's projects ``user`` may see; None means all of them (an owner)."""
    if OrgMembership.objects.filter(user=user, org=org, role=OrgRole.OWNER).exists():
        return None
    return set(Project.objects.filter(org=org, memberships__user=user).values_list("pk", flat=True))


def with_helped_projects(experts, *, visible: set[int] | None = None) -> list:
    """The experts, each with ``helped``: the projects they helped, from the RACI (Responsible or
    Consulted on one of its activities) and the explicit list, by code; only projects in
    ``visible`` (None: all). Two queries whatever the number of experts."""
    experts = list(experts)
    by_party = {e.party_id: e for e in experts}
    found: dict[int, dict[int, dict]] = defaultdict(dict)
    if experts:
        rows = (
            Assignment.objects.filter(party_id__in=list(by_party), letter__in=rules.HELPED_LETTERS)
            .values_list(
                "party_id",
                "activity__project_id",
                "activity__project__code",
                "activity__project__name",
            )
            .distinct()
        )
        for party_id, project_id, code, name in rows:
            found[by_party[party_id].pk][project_id] = {
                "id": project_id,
                "code": code,
                "name": name,
                "from_raci": True,
            }
        explicit = Expert.helped_projects.through.objects.filter(
            expert_id__in=[e.pk for e in experts]
        ).values_list("expert_id", "project_id", "project__code", "project__name")
        for expert_id, project_id, code, name in explicit:
            found[expert_id].setdefault(
                project_id, {"id": project_id, "code": code, "name": name, "from_raci": False}
            )
    for e in experts:
        projects = [p for p in found[e.pk].values() if visible is None or p["id"] in visible]
        e.helped = sorted(projects, key=lambda p: p["code"])
    return experts


# --- a project's areas -----------------------------------------------------------------------------


@dataclass
class ProjectArea:
    area: Expertise
    activities: list = field(default_factory=list)
    consulted: list = field(default_factory=list)  # experts of the area Consulted on its activities
    without_expert: bool = False
    expert_count: int = 0  # experts of the organisation who know the area
    open_activities: int = 0


@dataclass
class ProjectAreas:
    areas: list  # of ProjectArea, by name
    suggestions: list  # of dicts: area, activity, expert
    activities_by_id: dict


def project_areas(project) -> ProjectAreas:
    """The areas of expertise the project's activities touch, which of them has no expert
    consulted in the RACI, and whom to add as Consulted. A fixed number of queries."""
    links = list(
        ActivityArea.objects.filter(activity__project=project)
        .select_related("area", "activity")
        .order_by("area__name_key", "activity__position", "activity_id")
    )
    areas: dict[int, ProjectArea] = {}
    activities_by_area: dict[int, list[int]] = {}
    activities = {}
    for link in links:
        entry = areas.setdefault(link.area_id, ProjectArea(area=link.area))
        entry.activities.append(link.activity)
        activities[link.activity_id] = link.activity
        activities_by_area.setdefault(link.area_id, []).append(link.activity_id)
    experts = list(
        Expert.objects.filter(areas__in=list(areas))
        .select_related("party")
        .prefetch_related("areas")
        .distinct()
    )
    experts_by_area: dict[int, list[int]] = defaultdict(list)
    expert_by_party = {}
    for e in experts:
        expert_by_party[e.party_id] = e
        for a in e.areas.all():
            if a.pk in areas:
                experts_by_area[a.pk].append(e.party_id)
    letters: dict[int, dict[int, str]] = defaultdict(dict)
    for activity_id, party_id, letter in Assignment.objects.filter(
        activity_id__in=list(activities), party_id__in=list(expert_by_party)
    ).values_list("activity_id", "party_id", "letter"):
        letters[activity_id][party_id] = letter
    consulted = [(a, p) for a, held in letters.items() for p, x in held.items() if x == "C"]
    missing = set(rules.areas_without_expert(activities_by_area, consulted, experts_by_area))
    for area_id, entry in areas.items():
        entry.without_expert = area_id in missing
        entry.expert_count = len(experts_by_area[area_id])
        entry.open_activities = sum(1 for a in entry.activities if a.is_open)
        entry.consulted = sorted(
            {
                expert_by_party[p]
                for a in activities_by_area[area_id]
                for p in experts_by_area[area_id]
                if letters[a].get(p) == "C"
            },
            key=lambda e: e.party.name,
        )
    availability = {e.party_id: e.availability for e in experts}
    suggestions = [
        {
            "area": areas[s.area_id].area,
            "activity": activities[s.activity_id],
            "expert": expert_by_party[s.party_id],
        }
        for s in rules.consult_suggestions(
            activities_by_area, letters, experts_by_area, availability
        )
        if activities[s.activity_id].is_open
    ]
    ordered = sorted(areas.values(), key=lambda e: (not e.without_expert, e.area.name_key))
    return ProjectAreas(areas=ordered, suggestions=suggestions, activities_by_id=activities)


def project_activities(project):
    """The project's activities with their areas, in plan order (for the page that tags them)."""
    return (
        Activity.objects.filter(project=project)
        .select_related("phase")
        .prefetch_related(
            Prefetch(
                "area_links",
                queryset=ActivityArea.objects.select_related("area").order_by("area__name_key"),
            )
        )
        .order_by("position", "pk")
    )


def activity_get(project, activity_id) -> Activity:
    activity = Activity.objects.filter(project=project, pk=activity_id).first()
    if activity is None:
        raise Http404("No such activity")
    activity.project = project
    return activity
