"""What tests/test_authorization.py needs of the lessons learned pages and API: the access
each page and operation declares, request bodies, and sample objects whose ids fill the URLs."""

# Viewers read a project's lessons; contributors capture, apply and pass them on; every member of
# the organisation searches the library (it shows only the projects each may see).
WEB_NEEDS: dict = {
    "lesson-library": ("org", "member"),
    "project-lessons": ("project", "view"),
    "lesson-new": ("project", "contribute"),
    "lesson-detail": ("project", "view"),
    "lesson-edit": ("project", "contribute"),
    "lesson-delete": ("project", "contribute"),
    "lesson-contributor-add": ("project", "contribute"),
    "lesson-contributor-remove": ("project", "contribute"),
    "lesson-follow-up-add": ("project", "contribute"),
    "lesson-follow-up-status": ("project", "contribute"),
    "lesson-apply": ("project", "contribute"),
    "lesson-unapply": ("project", "contribute"),
}

P = "/api/v1/projects/{project_id}"
ONE = P + "/lessons/{lesson_id}"

API_NEEDS: dict = {
    ("get", P + "/lessons"): ("project", "view"),
    ("post", P + "/lessons"): ("project", "contribute"),
    ("get", ONE): ("project", "view"),
    ("patch", ONE): ("project", "contribute"),
    ("delete", ONE): ("project", "contribute"),
    ("post", ONE + "/contributors"): ("project", "contribute"),
    ("delete", ONE + "/contributors/{contributor_id}"): ("project", "contribute"),
    ("post", ONE + "/follow-ups"): ("project", "contribute"),
    ("patch", ONE + "/follow-ups/{follow_up_id}"): ("project", "contribute"),
    ("get", P + "/relevant-lessons"): ("project", "view"),
    ("get", P + "/applied-lessons"): ("project", "view"),
    ("post", P + "/applied-lessons"): ("project", "contribute"),
    ("delete", P + "/applied-lessons/{reuse_lesson_id}"): ("project", "contribute"),
    ("get", "/api/v1/orgs/{slug}/lessons"): ("org", "member"),
}

API_BODIES: dict = {
    ("post", P + "/lessons"): {
        "title": "Book the rooms early",
        "what_happened": "No room for the workshop",
        "recommendation": "Book a month ahead",
        "category": "process",
        "tags": ["logistics"],
    },
    ("patch", ONE): {"impact": "low"},
    ("post", ONE + "/contributors"): lambda ids: {
        "side": "business",
        "user_id": ids.get("lesson_viewer_id"),
    },
    ("post", ONE + "/follow-ups"): lambda ids: {
        "action": "Tell the steering committee",
        "owner_user_id": ids.get("owner_user_id"),
    },
    ("patch", ONE + "/follow-ups/{follow_up_id}"): {"status": "done"},
    ("post", P + "/applied-lessons"): lambda ids: {"lesson_id": ids.get("reuse_lesson_id", 0)},
}


def sample(world) -> dict:
    """Objects on ALPHA made through the services; their ids, by URL parameter name."""
    from tests.lessons.factories import lessons_sample

    return {
        **lessons_sample(world),
        "owner_user_id": world.owner.pk,
        "lesson_viewer_id": world.viewer.pk,
    }
