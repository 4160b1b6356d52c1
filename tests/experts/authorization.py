"""What tests/test_authorization.py needs of the experts pages and API: the access
each page and operation declares, request bodies, and sample objects whose ids fill the URLs."""

WEB_NEEDS: dict = {  # url name -> ("project" | "org" | "public", need)
    "expert-directory": ("org", "member"),
    "expert-new": ("org", "member"),
    "expert-edit": ("org", "member"),
    "expert-delete": ("org", "owner"),
    "expertise-list": ("org", "member"),
    "expertise-edit": ("org", "owner"),
    "expertise-delete": ("org", "owner"),
    "project-experts": ("project", "view"),
    "project-activity-areas": ("project", "contribute"),
    "project-expert-consult": ("project", "contribute"),
}

API_NEEDS: dict = {  # (method, path) -> ("project" | "org", need)
    ("get", "/api/v1/orgs/{slug}/expertise"): ("org", "member"),
    ("post", "/api/v1/orgs/{slug}/expertise"): ("org", "member"),
    ("patch", "/api/v1/orgs/{slug}/expertise/{expertise_id}"): ("org", "owner"),
    ("delete", "/api/v1/orgs/{slug}/expertise/{expertise_id}"): ("org", "owner"),
    ("get", "/api/v1/orgs/{slug}/experts"): ("org", "member"),
    ("post", "/api/v1/orgs/{slug}/experts"): ("org", "member"),
    ("get", "/api/v1/orgs/{slug}/experts/{expert_id}"): ("org", "member"),
    ("patch", "/api/v1/orgs/{slug}/experts/{expert_id}"): ("org", "member"),
    ("delete", "/api/v1/orgs/{slug}/experts/{expert_id}"): ("org", "owner"),
    ("get", "/api/v1/projects/{project_id}/expert-areas"): ("project", "view"),
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/expert-areas"): (
        "project",
        "contribute",
    ),
    ("post", "/api/v1/projects/{project_id}/expert-consultations"): ("project", "contribute"),
}

API_BODIES: dict = {  # (method, path) -> body, or a callable taking the object ids
    ("post", "/api/v1/orgs/{slug}/expertise"): {"name": "Hosting"},
    ("patch", "/api/v1/orgs/{slug}/expertise/{expertise_id}"): {"name": "SQL databases"},
    ("post", "/api/v1/orgs/{slug}/experts"): lambda ids: {
        "party_id": ids.get("eve_party_id", 0),
        "area_ids": [ids.get("expertise_id", 0)],
        "availability": "limited",
    },
    ("patch", "/api/v1/orgs/{slug}/experts/{expert_id}"): {"availability": "limited"},
    ("put", "/api/v1/projects/{project_id}/activities/{activity_id}/expert-areas"): lambda ids: {
        "area_ids": [ids.get("expertise_id", 0)]
    },
    ("post", "/api/v1/projects/{project_id}/expert-consultations"): lambda ids: {
        "activity_id": ids.get("raci_activity_id", 0),
        "expert_id": ids.get("expert_id", 0),
    },
}


def sample(world) -> dict:
    """Objects on ALPHA made through the services; their ids, by URL parameter name."""
    from tests.experts.factories import experts_sample

    return experts_sample(world)
