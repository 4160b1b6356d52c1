"""What tests/test_authorization.py needs of the service-level agreements pages and API: the access
each page and operation declares, request bodies, and sample objects whose ids fill the URLs."""

WEB_NEEDS: dict = {  # url name -> ("project" | "org" | "public", need)
    # Viewers read agreements and breaches; managers write agreements and obligations;
    # contributors record (and delete) the breaches Rapport cannot see.
    "sla-list": ("project", "view"),
    "sla-agreement-new": ("project", "manage"),
    "sla-agreement-edit": ("project", "manage"),
    "sla-obligation-new": ("project", "manage"),
    "sla-obligation-edit": ("project", "manage"),
    "sla-obligation-delete": ("project", "manage"),
    "sla-breach-new": ("project", "contribute"),
    "sla-breach-delete": ("project", "contribute"),
}
P = "/api/v1/projects/{project_id}"
API_NEEDS: dict = {  # (method, path) -> ("project" | "org", need)
    ("get", P + "/agreements"): ("project", "view"),
    ("post", P + "/agreements"): ("project", "manage"),
    ("patch", P + "/agreements/{agreement_id}"): ("project", "manage"),
    ("post", P + "/agreements/{agreement_id}/obligations"): ("project", "manage"),
    ("patch", P + "/obligations/{obligation_id}"): ("project", "manage"),
    ("delete", P + "/obligations/{obligation_id}"): ("project", "manage"),
    ("get", P + "/sla-breaches"): ("project", "view"),
    ("post", P + "/sla-breaches"): ("project", "contribute"),
    ("delete", P + "/sla-breaches/{breach_id}"): ("project", "contribute"),
}
API_BODIES: dict = {  # (method, path) -> body, or a callable taking the object ids
    ("post", P + "/agreements"): {"title": "IT and Sales", "agreed_on": "2026-01-05"},
    ("patch", P + "/agreements/{agreement_id}"): {"notes": "Reviewed"},
    ("post", P + "/agreements/{agreement_id}/obligations"): {
        "side": "business",
        "kind": "decision-turnaround",
        "target": 5,
    },
    ("patch", P + "/obligations/{obligation_id}"): {"target": 48},
    ("post", P + "/sla-breaches"): lambda ids: {
        "obligation_id": ids.get("obligation_id", 0),
        "occurred_on": "2026-01-20",
        "what": "Sign-off of the design took three weeks",
    },
}


def sample(world) -> dict:
    """Objects on ALPHA made through the services; their ids, by URL parameter name."""
    from datetime import date

    from rapport.slas import services

    agreement = services.agreement_create(
        actor=world.manager,
        project=world.alpha,
        title="IT and the business",
        agreed_on=date(2026, 1, 5),
    )
    obligation = services.obligation_add(
        actor=world.manager, agreement=agreement, side="it", kind="question-response", target=24
    )
    signoff = services.obligation_add(
        actor=world.manager, agreement=agreement, side="business", kind="sign-off", target=10
    )
    breach = services.breach_record(
        actor=world.manager, obligation=signoff, occurred_on=date(2026, 1, 20), what="Late sign-off"
    )
    return {"agreement_id": agreement.pk, "obligation_id": obligation.pk, "breach_id": breach.pk}
