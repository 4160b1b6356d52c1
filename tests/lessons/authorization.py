"""What tests/test_authorization.py needs of the lessons learned pages and API: the access
each page and operation declares, request bodies, and sample objects whose ids fill the URLs."""

WEB_NEEDS: dict = {}  # url name -> ("project" | "org" | "public", need)
API_NEEDS: dict = {}  # (method, path) -> ("project" | "org", need)
API_BODIES: dict = {}  # (method, path) -> body, or a callable taking the object ids


def sample(world) -> dict:
    """Objects on ALPHA made through the services; their ids, by URL parameter name."""
    return {}
