"""Every write about expertise areas, experts and the areas of activities: keyword-only, atomic,
validated, and in the audit history."""

from django.core.exceptions import ValidationError
from django.db import transaction

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, unique_write, validated_save
from rapport.raci import services as raci
from rapport.raci.models import Activity, Assignment
from rapport.raci.names import normalise_name
from rapport.stakeholders.models import Party, ProjectStakeholder

from .models import ActivityArea, Availability, Expert, Expertise

EXPERT_FIELDS = ("areas", "availability", "availability_note", "notes", "helped_projects")


# --- the catalogue of areas -----------------------------------------------------------------------


def _area_name_free(org, name: str, exclude_pk=None) -> None:
    clash = Expertise.objects.filter(org=org, name_key=normalise_name(name))
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    found = clash.first()
    if found is not None:
        raise field_error("name", f"There is an area “{found.name}” already.")


@transaction.atomic
def expertise_create(*, actor, org, name: str, description: str = "") -> Expertise:
    """Add an area of expertise to the organisation's catalogue (one per name, whatever its
    case, accents or spacing)."""
    name, description = (name or "").strip(), (description or "").strip()
    area = Expertise(org=org, name=name, description=description)
    _area_name_free(org, name)
    with acting_as(actor), unique_write(lambda: _area_name_free(org, name)):
        validated_save(area, exclude=["name_key"])
    return area


@transaction.atomic
def expertise_update(*, actor, area: Expertise, name: str, description: str = "") -> Expertise:
    """Rename an area or change its description."""
    name, description = (name or "").strip(), (description or "").strip()
    area = Expertise.objects.select_for_update().get(pk=area.pk)
    _area_name_free(area.org, name, exclude_pk=area.pk)
    area.name, area.description = name, description
    with acting_as(actor), unique_write(lambda: _area_name_free(area.org, name, area.pk)):
        validated_save(area, exclude=["name_key"])
    return area


@transaction.atomic
def expertise_delete(*, actor, area: Expertise) -> None:
    """Remove an area from the catalogue: experts and activities lose the tag."""
    with acting_as(actor):
        area.delete()


# --- experts -----------------------------------------------------------------------------------------


def _areas_by_name(*, actor, org, names) -> list[Expertise]:
    """The catalogue's areas of these names, added to it when missing."""
    found = []
    for name in names or []:
        name = name.strip()
        if not name:
            continue
        area = Expertise.objects.filter(org=org, name_key=normalise_name(name)).first()
        found.append(area or expertise_create(actor=actor, org=org, name=name))
    return found


def _check_areas(org, areas) -> list[Expertise]:
    areas = list({a.pk: a for a in areas or []}.values())
    if not areas:
        raise field_error("areas", "Choose at least one area they know about.")
    if any(a.org_id != org.pk for a in areas):
        raise field_error("areas", "That area is in another organisation's catalogue.")
    return areas


def _check_projects(org, projects) -> list:
    projects = list(projects or [])
    if any(p.org_id != org.pk for p in projects):
        raise field_error("helped_projects", "That project is in another organisation.")
    return projects


def _check_availability(value) -> None:
    if value not in Availability.values:
        raise field_error(
            "availability", f"'{value}' is not one of available, limited, unavailable."
        )


@transaction.atomic
def expert_create(
    *,
    actor,
    org,
    party: Party,
    areas,
    availability: str = Availability.AVAILABLE,
    availability_note: str = "",
    notes: str = "",
    helped_projects=(),
    new_areas=(),
) -> Expert:
    """Mark a party of the register as an expert in some areas (``new_areas``: names of areas
    to add to the catalogue, or find there, as well)."""
    if party is None or party.org_id != org.pk:
        raise field_error("party", "Choose a party of this organisation's register.")
    areas = list(areas or []) + _areas_by_name(actor=actor, org=org, names=new_areas)
    areas = _check_areas(org, areas)
    projects = _check_projects(org, helped_projects)
    _check_availability(availability)

    def already():
        if Expert.objects.filter(party=party).exists():
            raise field_error("party", f"{party.name} is in the directory already: edit them.")

    already()
    expert = Expert(
        org=org,
        party=party,
        availability=availability,
        availability_note=(availability_note or "").strip(),
        notes=(notes or "").strip(),
    )
    with acting_as(actor), unique_write(already):
        validated_save(expert)
        expert.areas.set(areas)
        expert.helped_projects.set(projects)
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, new_areas=(), **fields) -> Expert:
    """Change an expert's areas, availability, notes or the projects they helped; only the fields
    given change (``new_areas``: names of areas to add, found in or added to the catalogue)."""
    unknown = set(fields) - set(EXPERT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown expert fields: {', '.join(sorted(unknown))}")
    org = expert.org
    expert = (
        Expert.objects.select_for_update(of=("self",))
        .select_related("party", "org")
        .get(pk=expert.pk)
    )
    extra = _areas_by_name(actor=actor, org=org, names=new_areas)
    if extra and "areas" not in fields:
        fields["areas"] = list(expert.areas.all())
    areas = _check_areas(org, list(fields.pop("areas")) + extra) if "areas" in fields else None
    projects = (
        _check_projects(org, fields.pop("helped_projects")) if "helped_projects" in fields else None
    )
    if "availability" in fields:
        _check_availability(fields["availability"])
    for name, value in fields.items():
        setattr(expert, name, value.strip() if isinstance(value, str) else value)
    with acting_as(actor):
        validated_save(expert)
        if areas is not None:
            expert.areas.set(areas)
        if projects is not None:
            expert.helped_projects.set(projects)
    return expert


@transaction.atomic
def expert_delete(*, actor, expert: Expert) -> None:
    """Take a party out of the directory (the party stays in the register)."""
    with acting_as(actor):
        expert.delete()


# --- a project's areas and the Consulted suggestion ------------------------------------------


@transaction.atomic
def activity_areas_set(*, actor, activity: Activity, areas) -> list[Expertise]:
    """Say which areas of expertise an activity touches (replaces the ones it had)."""
    org_id = activity.project.org_id
    areas = list(areas or [])
    if any(a.org_id != org_id for a in areas):
        raise field_error("areas", "That area is in another organisation's catalogue.")
    wanted = {a.pk: a for a in areas}
    current = {
        link.area_id: link
        for link in ActivityArea.objects.select_for_update(of=("self",))
        .filter(activity=activity)
        .select_related("area")
    }
    with acting_as(actor):
        for area_id, link in current.items():
            if area_id not in wanted:
                link.activity = activity
                link.delete()
        for area_id, area in wanted.items():
            if area_id not in current:
                with unique_write(lambda: None):
                    ActivityArea.objects.create(activity=activity, area=area)
    return sorted(areas, key=lambda a: a.name_key)


@transaction.atomic
def expert_consult(
    *, actor, activity: Activity, expert: Expert, can_add_stakeholder: bool
) -> Assignment:
    """Add an expert as Consulted on an activity: the suggestion's button.

    The expert must be one of the project's stakeholders for a RACI letter; when they are not,
    they are added to the project first (``can_add_stakeholder``: the caller may manage the
    project, as adding a RACI column needs). An expert who already holds a letter on the activity
    keeps it: making them C would quietly take away an R, A or I."""
    project = activity.project
    party = expert.party
    if party.org_id != project.org_id:
        raise field_error("expert", "That expert is in another organisation's directory.")
    held = Assignment.objects.filter(activity=activity, party=party).first()
    if held is not None:
        raise field_error(
            "expert",
            f"{party.name} is already {held.get_letter_display()} on “{activity.name}”: "
            "change it in the RACI if they should be Consulted instead.",
        )
    if not ProjectStakeholder.objects.filter(project=project, party=party).exists():
        if not can_add_stakeholder:
            raise field_error(
                "expert",
                f"{party.name} is not one of {project.code}'s stakeholders yet: ask a manager "
                "of the project to add them, or add them yourself if you manage it.",
            )
        raci.raci_party_add(actor=actor, project=project, party=party)
    return raci.raci_assign(actor=actor, activity=activity, party=party, letter="C")
