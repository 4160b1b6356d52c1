"""What tests/test_authorization.py needs of the relationship overview pages and API."""

WEB_NEEDS = {
    "relationship-project": ("project", "view"),
    "relationship-stakeholder": ("project", "view"),
}
API_NEEDS = {
    ("get", "/api/v1/projects/{project_id}/relationship"): ("project", "view"),
    ("get", "/api/v1/projects/{project_id}/relationship/stakeholders/{stakeholder_id}"): (
        "project",
        "view",
    ),
}
API_BODIES: dict = {}


def sample(world) -> dict:
    return {}  # the stakeholder_id of the customers' sample is used
