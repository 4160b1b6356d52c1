"""A worker keeps a loaded RACI matrix and its findings while the matrix is unchanged.

The database's triggers move the project's RACI version with every change the checks can see,
whatever code makes it (services, bulk inserts, queryset updates, deletes through the register),
so a kept matrix is never shown out of date; saving a cell re-checks only that cell and must give
the findings a full check gives.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.raci import matrix_cache, selectors, services
from rapport.raci.models import Activity, Assignment, Phase
from rapport.stakeholders import services as stakeholders
from rapport.stakeholders.models import Party, ProjectStakeholder
from tests.raci.factories import build_matrix, party_on


def version(project) -> int:
    return matrix_cache.matrix_version(project)


def assign(world, small, activity, party, letter):
    activity = small["activities"][activity]
    party = small["parties"][party]
    return services.raci_assign(actor=world.manager, activity=activity, party=party, letter=letter)


# Each change a PM (or an import, or the register) can make to what the checks read.
CHANGES = {
    "a letter given": lambda w, s: assign(w, s, "build", "ann", "R"),
    "a letter changed": lambda w, s: assign(w, s, "build", "ann", "C"),
    "a letter cleared": lambda w, s: assign(w, s, "build", "ann", None),
    "letters inserted in bulk": lambda w, s: Assignment.objects.bulk_create(
        [Assignment(activity=s["activities"]["train"], party=s["parties"]["bob"], letter="A")]
    ),
    "an activity renamed": lambda w, s: services.activity_update(
        actor=w.manager, activity=s["activities"]["train"], name="Train every user"
    ),
    "activities closed by a queryset update": lambda w, s: Activity.objects.filter(
        project=w.alpha
    ).update(status="done"),
    "an activity deleted": lambda w, s: services.activity_delete(
        actor=w.manager, activity=s["activities"]["train"]
    ),
    "a phase renamed": lambda w, s: services.phase_update(
        actor=w.manager, phase=s["phase"], name="Construction"
    ),
    "a party added to the project": lambda w, s: party_on(w.alpha, "Dee New", actor=w.manager),
    "a stakeholder made a key customer": lambda w, s: stakeholders.stakeholder_update(
        actor=w.manager,
        stakeholder=ProjectStakeholder.objects.get(project=w.alpha, party=s["parties"]["bob"]),
        is_customer=True,
        power=5,
    ),
    "a party renamed in the register": lambda w, s: stakeholders.party_update(
        actor=w.manager, party=s["parties"]["bob"], name="Robert Ng"
    ),
    "a party deleted from the register": lambda w, s: stakeholders.party_delete(
        actor=w.owner, party=s["parties"]["finance"]
    ),
    "an outcome added": lambda w, s: stakeholders.outcome_create(
        actor=w.manager, project=w.alpha, title="Orders in a day"
    ),
    "thresholds changed": lambda w, s: services.raci_settings_update(
        actor=w.manager, project=w.alpha, max_consulted=1
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_the_checks_can_see_moves_the_version(world, small, change):
    assign(world, small, "build", "ann", "A")
    assign(world, small, "build", "finance", "C")
    before = version(world.alpha)

    CHANGES[change](world, small)

    assert version(world.alpha) > before
    assert version(world.omega) == 0  # another project's RACI is not touched


def test_recorded_input_moves_the_version(world, small):
    services.raci_settings_update(actor=world.manager, project=world.alpha, max_consulted=3)
    assign(world, small, "build", "bob", "C")
    before = version(world.alpha)
    services.consulted_input_record(
        actor=world.manager,
        activity=small["activities"]["build"],
        party=small["parties"]["bob"],
        given_on=date(2025, 1, 10),
    )
    assert version(world.alpha) > before


def test_changes_the_checks_do_not_read_leave_the_version(world, small):
    assign(world, small, "build", "ann", "A")
    before = version(world.alpha)
    Activity.objects.filter(project=world.alpha).update(planned_finish=date(2027, 1, 1))
    Party.objects.filter(pk=small["parties"]["ann"].pk).update(email="ann@example.com")
    assert version(world.alpha) == before


def test_the_page_never_shows_a_kept_matrix_after_a_change(
    world, small, client_for, django_capture_on_commit_callbacks
):
    assign(world, small, "build", "bob", "A")
    client = client_for(world.manager)
    url = "/o/acme/p/ALPHA/raci/"
    with django_capture_on_commit_callbacks(execute=True):
        assert "Bob Ng" in client.get(url).content.decode()
    # Renamed through the register, not through the RACI: the kept matrix must not be used.
    stakeholders.party_update(actor=world.manager, party=small["parties"]["bob"], name="Roberta Ng")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url).content.decode()
    assert "Roberta Ng" in page and "Bob Ng" not in page


def test_a_kept_matrix_is_used_while_nothing_changes(
    world, small, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.manager)
    url = "/o/acme/p/ALPHA/raci/"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Only the version of the matrix is read, not its phases, activities, parties or letters.
    assert not [q for q in queries if '"raci_assignment"' in q["sql"]]
    assert [q for q in queries if '"raci_matrixversion"' in q["sql"]]


@pytest.fixture
def big(world):
    build_matrix(world.alpha, activities=120, parties=30, letters=900, seed=5, outcomes=4)
    return selectors.matrix_get(world.alpha)


def test_saving_cells_rechecks_in_place_and_matches_a_full_check(
    world, big, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/o/acme/p/ALPHA/raci/")
    # Clear an Accountable, give a second one, make a customer Informed, overload a person.
    activities, parties = big.activities, [p for p in big.parties if p.on_project]
    owner = next(iter(p for p, letter in big.letters[activities[0].id].items() if letter == "A"))
    cells = [
        (activities[0].id, owner, ""),
        (activities[1].id, parties[2].id, "A"),
        (activities[2].id, parties[3].id, "I"),
        *[(a.id, parties[4].id, "R") for a in activities[3:60]],
        (activities[0].id, owner, "A"),
    ]
    for activity_id, party_id, letter in cells:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/o/acme/p/ALPHA/raci/cell/",
                {"activity": activity_id, "party": party_id, "letter": letter},
                HTTP_X_REQUESTED_WITH="fetch",
            )
        assert response.status_code == 200
        assert response["X-Raci-Letter"] == letter
    kept, findings = matrix_cache.matrix_with_findings(world.alpha)
    fresh = selectors.matrix_get(world.alpha)
    assert kept.letters == fresh.letters
    assert findings == selectors.raci_findings(fresh)
    assert any(f.code == "overloaded" and f.party_id == parties[4].id for f in findings)
    counts = selectors.findings_summary(findings)
    panel = response.content.decode()
    assert f"{counts['error']} error" in panel and f"{counts['warning']} warning" in panel


def test_a_save_after_someone_else_changed_the_matrix_loads_it_again(
    world, big, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/o/acme/p/ALPHA/raci/")
    # Another worker renames a phase: this worker's kept matrix is now behind.
    Phase.objects.filter(project=world.alpha, position=1).update(name="Renamed elsewhere")
    activity, party = big.activities[5], next(p for p in big.parties if p.on_project)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/o/acme/p/ALPHA/raci/cell/",
            {"activity": activity.id, "party": party.id, "letter": "C"},
            HTTP_X_REQUESTED_WITH="fetch",
        )
    kept, findings = matrix_cache.matrix_with_findings(world.alpha)
    assert "Renamed elsewhere" in {p.name for p in kept.phases}
    assert findings == selectors.raci_findings(selectors.matrix_get(world.alpha))


def test_a_change_committed_while_the_matrix_loads_is_never_kept_half_done(
    world, small, monkeypatch, django_capture_on_commit_callbacks
):
    load = selectors.matrix_get
    loads = []

    def load_while_someone_writes(project):
        matrix = load(project)
        if not loads:  # someone gives a letter just after the first load
            assign(world, small, "build", "ann", "A")
        loads.append(matrix)
        return matrix

    monkeypatch.setattr(selectors, "matrix_get", load_while_someone_writes)
    with django_capture_on_commit_callbacks(execute=True):
        matrix, _ = matrix_cache.matrix_with_findings(world.alpha)
    assert len(loads) == 2  # loaded again: the version moved while loading
    assert matrix.letters == load(world.alpha).letters
    monkeypatch.setattr(selectors, "matrix_get", load)
    kept, _ = matrix_cache.matrix_with_findings(world.alpha)
    assert kept.letters == matrix.letters
