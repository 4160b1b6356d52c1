"""Every page, API answer and export carries a strict Content-Security-Policy, a
Permissions-Policy and `Cache-Control: no-store`; static files stay cacheable."""

import re
from pathlib import Path

import pytest

import rapport

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_a_signed_in_page_allows_scripts_only_from_rapports_own_files(world, client_for):
    response = client_for(world.manager).get("/o/acme/p/ALPHA/raci/")
    assert response.status_code == 200
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_a_signed_in_page_turns_off_camera_microphone_and_location(world, client_for):
    response = client_for(world.manager).get("/o/acme/p/ALPHA/raci/")
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_signed_in_pages_the_api_and_exports_are_never_stored(world, client_for):
    client = client_for(world.viewer)
    page = client.get("/o/acme/p/ALPHA/raci/")
    export = client.get("/o/acme/p/ALPHA/raci/export/", {"format": "csv", "layout": "grid"})
    api = client.get(f"/api/v1/projects/{world.alpha.pk}")
    for response in (page, export, api):
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client):
    response = client.get("/static/rapport/rapport.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


TEMPLATES = sorted(Path(rapport.__file__).parent.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_templates_hold_no_inline_script_the_policy_would_block():
    assert len(TEMPLATES) > 20
    offenders = [
        f"{path.relative_to(Path(rapport.__file__).parent)}: {match.group(0)[:80]}"
        for path in TEMPLATES
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL)
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []
