"""What tests/test_authorization.py needs of the saved column mappings (the register, customers
and RACI imports): the access each page and operation declares, request bodies, and a sample
whose id fills the URLs. The register's other pages are declared in tests/test_authorization.py."""

WEB_NEEDS: dict = {  # url name -> ("project" | "org" | "public", need)
    # Members see the organisation's saved mappings; owners delete them.
    "saved-mapping-list": ("org", "member"),
    "saved-mapping-delete": ("org", "owner"),
}
ORG = "/api/v1/orgs/{slug}"
API_NEEDS: dict = {  # (method, path) -> ("project" | "org", need)
    ("get", ORG + "/saved-mappings"): ("org", "member"),
    ("post", ORG + "/saved-mappings"): ("org", "owner"),
    ("delete", ORG + "/saved-mappings/{saved_mapping_id}"): ("org", "owner"),
}
API_BODIES: dict = {  # (method, path) -> body, or a callable taking the object ids
    ("post", ORG + "/saved-mappings"): {
        "name": "Weekly RACI",
        "kind": "raci",
        "mapping": {"Zone": "activity"},
    },
}


def sample(world) -> dict:
    """A RACI mapping Acme's owner saved; its id, by URL parameter name."""
    from rapport.stakeholders.saved_mappings import save_mapping

    saved = save_mapping(
        actor=world.owner,
        org=world.acme,
        kind="raci",
        name="Finance weekly",
        mapping={"Zone": "activity", "Doer": "R"},
    )
    return {"saved_mapping_id": saved.pk}
