"""Quick add in the RACI (a name and Enter) and the inline edit of dates and status on the
Activities page, both as plain form posts that work without script."""

import datetime as dt

import pytest

from rapport.raci.models import Activity

pytestmark = pytest.mark.django_db

BASE = "/o/acme/p/ALPHA/"


def test_quick_add_creates_the_activity_in_the_chosen_phase_and_returns_to_its_row(
    world, small, client_for
):
    client = client_for(world.contributor)
    response = client.post(
        BASE + "raci/activities/add/", {"name": "  Write the runbook ", "phase": small["phase"].pk}
    )
    activity = Activity.objects.get(project=world.alpha, name="Write the runbook")
    assert activity.phase == small["phase"]
    assert response.status_code == 302
    assert response.url.endswith(f"at={activity.pk}#a{activity.pk}")
    page = client.get(response.url).content.decode()
    assert f'id="a{activity.pk}"' in page  # the new row is on the page the browser lands on
    assert "Activity “Write the runbook” added." in page


def test_quick_add_keeps_the_matrix_filters(world, small, client_for):
    response = client_for(world.contributor).post(
        BASE + "raci/activities/add/",
        {"name": "Pilot", "phase": small["phase"].pk, "filters": f"phase={small['phase'].pk}"},
    )
    assert f"phase={small['phase'].pk}" in response.url


def test_quick_add_refuses_a_name_that_reads_like_an_existing_one_and_says_why(
    world, small, client_for
):
    client = client_for(world.contributor)
    response = client.post(BASE + "raci/activities/add/", {"name": "BUILD THE PORTAL"})
    assert Activity.objects.filter(project=world.alpha).count() == 3
    page = client.get(response.url).content.decode()
    assert "“BUILD THE PORTAL” was not added" in page
    assert "already has an activity called “Build the portal”" in page
    assert 'value="BUILD THE PORTAL"' in page  # what was typed stays in the box


def test_quick_add_refuses_an_empty_name(world, small, client_for):
    client = client_for(world.contributor)
    response = client.post(BASE + "raci/activities/add/", {"name": "   "})
    assert Activity.objects.filter(project=world.alpha).count() == 3
    assert "was not added" in client.get(response.url).content.decode()


def test_viewers_see_no_quick_add_and_cannot_post_one(world, small, client_for):
    client = client_for(world.viewer)
    assert "New activity" not in client.get(BASE + "raci/").content.decode()
    assert client.post(BASE + "raci/activities/add/", {"name": "Sneaky"}).status_code == 403
    assert not Activity.objects.filter(name="Sneaky").exists()


def test_contributors_see_the_quick_add_box_under_the_matrix(world, small, client_for):
    page = client_for(world.contributor).get(BASE + "raci/").content.decode()
    assert 'id="quick-add-name"' in page and "New activity" in page


def test_inline_edit_saves_dates_and_status_and_returns_to_the_row(world, small, client_for):
    build = small["activities"]["build"]
    response = client_for(world.contributor).post(
        BASE + f"activities/{build.pk}/schedule/",
        {"planned_start": "2027-02-01", "planned_finish": "2027-02-12", "status": "in_progress"},
    )
    assert response.status_code == 302 and response.url.endswith(f"#activity-{build.pk}")
    build.refresh_from_db()
    assert build.planned_start == dt.date(2027, 2, 1)
    assert build.planned_finish == dt.date(2027, 2, 12)
    assert build.status == "in_progress"


def test_inline_edit_with_the_finish_before_the_start_says_so_on_the_row_and_changes_nothing(
    world, small, client_for
):
    build = small["activities"]["build"]
    response = client_for(world.contributor).post(
        BASE + f"activities/{build.pk}/schedule/",
        {"planned_start": "2027-02-12", "planned_finish": "2027-02-01", "status": "done"},
    )
    page = response.content.decode()
    row = page[page.index(f'id="activity-{build.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Planned finish: The planned finish is before the planned start." in row
    assert 'value="2027-02-01"' in row  # what was typed is shown again, to correct it
    build.refresh_from_db()
    assert build.planned_start is None and build.planned_finish is None
    assert build.status == "not_started"


def test_inline_edit_refuses_a_date_that_is_not_a_date(world, small, client_for):
    build = small["activities"]["build"]
    response = client_for(world.contributor).post(
        BASE + f"activities/{build.pk}/schedule/",
        {"planned_start": "31/02/2027", "planned_finish": "", "status": "not_started"},
    )
    assert "Planned start: Enter a valid date." in response.content.decode()
    build.refresh_from_db()
    assert build.planned_start is None


def test_viewers_get_no_inline_edit(world, small, client_for):
    build = small["activities"]["build"]
    client = client_for(world.viewer)
    assert 'name="planned_start"' not in client.get(BASE + "activities/").content.decode()
    response = client.post(
        BASE + f"activities/{build.pk}/schedule/",
        {"planned_start": "2027-02-01", "planned_finish": "2027-02-02", "status": "done"},
    )
    assert response.status_code == 403
    build.refresh_from_db()
    assert build.status == "not_started"
