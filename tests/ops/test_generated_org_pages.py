"""The daily pages on generated organisations: ten times the projects, parties and letters cost
no more queries, and the pages that used to list the whole register stay small."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.accounts.models import User
from rapport.ops.generate import generate
from rapport.projects.models import Project

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def daily_pages(slug: str) -> dict[str, str]:
    code = Project.objects.filter(org__slug=slug, state="active").order_by("code").first().code
    project = f"/o/{slug}/p/{code}/"
    return {
        "board": f"/o/{slug}/board/",
        "register, last page": f"/o/{slug}/register/?page=last",
        "project overview": project,
        "add stakeholder": project + "customers/add/",
        "RACI": project + "raci/",
        "new party": f"/o/{slug}/register/new/",
        "estimate target": project + "estimates/target/",
    }


def measure(slug: str, owner_email: str) -> dict[str, tuple[int, int]]:
    """Per page: (queries, <option>s), signed in as the organisation's owner."""
    client = Client()
    client.force_login(
        User.objects.get(email=owner_email), backend="django.contrib.auth.backends.ModelBackend"
    )
    found = {}
    for name, url in daily_pages(slug).items():
        client.get(url)  # warm: the first visit may seed settings rows
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = (len(queries), response.content.count(b"<option"))
    return found


def test_ten_times_the_organisation_costs_no_more_queries_and_small_pages():
    small = generate(org_slug="small", projects=12, parties=60, cells=400, seed=5, today=TODAY)
    large = generate(org_slug="large", projects=120, parties=600, cells=4000, seed=5, today=TODAY)
    few, many = measure("small", small.owner_email), measure("large", large.owner_email)
    for name, (queries, _) in few.items():
        assert many[name][0] <= queries, f"{name}: {many[name][0]} queries, {queries} before"
    # The pickers no longer list the register of 600: a search box asks for a few at a time.
    for name in ("add stakeholder", "new party", "estimate target", "RACI"):
        assert many[name][1] < 100, (name, many[name][1])
