"""What tests/test_authorization.py needs of the education pages and API: the access
each page and operation declares, request bodies, and sample objects whose ids fill the URLs."""

WEB_NEEDS: dict = {  # url name -> ("project" | "org" | "public", need)
    "education-list": ("project", "view"),
    "education-explanation-new": ("project", "contribute"),
    "education-explanation-edit": ("project", "contribute"),
    "education-explanation-delete": ("project", "contribute"),
    "education-topics": ("project", "manage"),
    "education-topic-edit": ("project", "manage"),
    "education-topic-delete": ("project", "manage"),
}

API_NEEDS: dict = {  # (method, path) -> ("project" | "org", need)
    ("get", "/api/v1/orgs/{slug}/education-topics"): ("org", "member"),
    ("post", "/api/v1/projects/{project_id}/education-topics"): ("project", "manage"),
    ("patch", "/api/v1/projects/{project_id}/education-topics/{education_topic_id}"): (
        "project",
        "manage",
    ),
    ("delete", "/api/v1/projects/{project_id}/education-topics/{education_topic_id}"): (
        "project",
        "manage",
    ),
    ("get", "/api/v1/projects/{project_id}/explanations"): ("project", "view"),
    ("post", "/api/v1/projects/{project_id}/explanations"): ("project", "contribute"),
    ("get", "/api/v1/projects/{project_id}/explanations/{explanation_id}"): ("project", "view"),
    ("patch", "/api/v1/projects/{project_id}/explanations/{explanation_id}"): (
        "project",
        "contribute",
    ),
    ("delete", "/api/v1/projects/{project_id}/explanations/{explanation_id}"): (
        "project",
        "contribute",
    ),
    ("get", "/api/v1/projects/{project_id}/understanding"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/restate-suggestions"): ("project", "view"),
}

API_BODIES: dict = {  # (method, path) -> body, or a callable taking the object ids
    ("post", "/api/v1/projects/{project_id}/education-topics"): {"name": "Data protection"},
    ("patch", "/api/v1/projects/{project_id}/education-topics/{education_topic_id}"): {
        "restate": "What the cloud bill pays for."
    },
    ("post", "/api/v1/projects/{project_id}/explanations"): lambda ids: {
        "topic_id": ids.get("education_topic_id", 0),
        "explained_on": "2026-11-27",
        "audience": [
            {"stakeholder_id": ids.get("stakeholder_id", 0), "understanding": "understood"}
        ],
    },
    ("patch", "/api/v1/projects/{project_id}/explanations/{explanation_id}"): {
        "notes": "Drew the tables on the whiteboard."
    },
}


def sample(world) -> dict:
    """Objects on ALPHA made through the services; their ids, by URL parameter name."""
    from tests.education.factories import education_sample

    return education_sample(world)
