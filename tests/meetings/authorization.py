"""What tests/test_authorization.py needs of the meetings pages and API: the access
each page and operation declares, request bodies, and sample objects whose ids fill the URLs."""

V, C = ("project", "view"), ("project", "contribute")
P = "/api/v1/projects/{project_id}"

WEB_NEEDS: dict = {  # url name -> ("project" | "org" | "public", need)
    "meeting-list": V,
    "meeting-new": C,
    "meeting-detail": V,
    "meeting-edit": C,
    "meeting-delete": C,
    "meeting-invitees": C,
    "meeting-attendance": C,
    "meeting-minutes": C,
    "meeting-invite": C,
    "decision-list": V,
    "decision-new": C,
    "decision-edit": C,
    "decision-delete": C,
    "action-list": V,
    "action-new": C,
    "action-edit": C,
    "action-close": C,
    "action-delete": C,
}

API_NEEDS: dict = {  # (method, path) -> ("project" | "org", need)
    ("get", P + "/meetings"): V,
    ("post", P + "/meetings"): C,
    ("get", P + "/meetings/{meeting_id}"): V,
    ("patch", P + "/meetings/{meeting_id}"): C,
    ("delete", P + "/meetings/{meeting_id}"): C,
    ("put", P + "/meetings/{meeting_id}/invitees"): C,
    ("put", P + "/meetings/{meeting_id}/attendance"): C,
    ("put", P + "/meetings/{meeting_id}/minutes"): C,
    ("post", P + "/meetings/{meeting_id}/invitations"): C,
    ("get", P + "/attendance-trend"): V,
    ("get", P + "/decisions"): V,
    ("post", P + "/decisions"): C,
    ("get", P + "/decisions/{decision_id}"): V,
    ("patch", P + "/decisions/{decision_id}"): C,
    ("delete", P + "/decisions/{decision_id}"): C,
    ("get", P + "/actions"): V,
    ("post", P + "/actions"): C,
    ("get", P + "/actions/{meeting_action_id}"): V,
    ("patch", P + "/actions/{meeting_action_id}"): C,
    ("delete", P + "/actions/{meeting_action_id}"): C,
}

API_BODIES: dict = {  # (method, path) -> body, or a callable taking the object ids
    ("post", P + "/meetings"): {
        "title": "Status",
        "starts_at": "2026-11-09T09:00:00+01:00",
        "kind": "status",
    },
    ("patch", P + "/meetings/{meeting_id}"): {"location": "Room 4"},
    ("put", P + "/meetings/{meeting_id}/invitees"): {"stakeholder_ids": []},
    ("put", P + "/meetings/{meeting_id}/attendance"): lambda ids: {
        "attendance": [{"invitee_id": ids.get("meeting_invitee_id", 0), "attendance": "attended"}]
    },
    ("put", P + "/meetings/{meeting_id}/minutes"): {"minutes": "We agreed."},
    ("post", P + "/decisions"): {"text": "Buy, not build", "decided_on": "2026-11-02"},
    ("patch", P + "/decisions/{decision_id}"): {"why": "Cheaper"},
    ("post", P + "/actions"): {"text": "Call the vendor"},
    ("patch", P + "/actions/{meeting_action_id}"): {"status": "done"},
}


def sample(world) -> dict:
    """Objects on ALPHA made through the services; their ids, by URL parameter name."""
    from tests.meetings.factories import meetings_sample

    return meetings_sample(world)
