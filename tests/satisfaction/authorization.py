"""What tests/test_authorization.py needs of the satisfaction pages and API: the access
each page and operation declares, request bodies, and sample objects whose ids fill the URLs."""

WEB_NEEDS: dict = {  # url name -> ("project" | "org" | "public", need)
    # Viewers read the trends; contributors record pulses given by phone and delete them.
    "satisfaction-project": ("project", "view"),
    "pulse-new": ("project", "contribute"),
    "pulse-delete": ("project", "contribute"),
    # Behind the stakeholder's portal secret, checked in tests/satisfaction/test_portal_pulse.py:
    # an unknown or revoked link is 404, a locked one asks for its password.
    "portal-pulse": ("public", None),
}
API_NEEDS: dict = {  # (method, path) -> ("project" | "org", need)
    ("get", "/api/v1/projects/{project_id}/pulses"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/pulses"): ("project", "contribute"),
    ("delete", "/api/v1/projects/{project_id}/pulses/{pulse_id}"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/satisfaction"): ("project", "view"),
}
API_BODIES: dict = {  # (method, path) -> body, or a callable taking the object ids
    ("post", "/api/v1/projects/{project_id}/pulses"): lambda ids: {
        "stakeholder_id": ids.get("pulse_stakeholder_id", 0),
        "score": 4,
        "comment": "Fine on the phone",
    },
}


def sample(world) -> dict:
    """Objects on ALPHA made through the services; their ids, by URL parameter name."""
    from rapport.satisfaction import services
    from rapport.stakeholders.models import ProjectStakeholder

    stakeholder = ProjectStakeholder.objects.filter(project=world.alpha).order_by("pk").last()
    pulse = services.pulse_record(
        actor=world.manager, project=world.alpha, stakeholder=stakeholder, score=3
    )
    return {"pulse_id": pulse.pk, "pulse_stakeholder_id": stakeholder.pk}
