"""The REST API under /api/v1/: one NinjaAPI, routers from each app, JSON errors only."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import HttpBearer, SessionAuth

from rapport.accounts.access import public_view
from rapport.accounts.services import api_token_authenticate

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """A personal API token, created on the account page."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Rapport API",
    version="1",
    description=(
        "Everything the Rapport web pages can do. Authenticate with a personal token from your "
        "account page: `Authorization: Bearer rpt_…`. Errors are JSON: `message`, and `fields` "
        "naming each invalid field."
    ),
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    docs_decorator=public_view,
)


def _error(request, status: int, message: str, fields: dict | None = None):
    body = {"message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, body, status=status)


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = ".".join(
            str(part) for part in error.get("loc", ()) if part not in ("body", "payload")
        )
        fields.setdefault(location or "body", []).append(error.get("msg", "invalid"))
    return _error(request, 422, "The request is not valid; see fields.", fields)


@api.exception_handler(ValidationError)
def on_rule_error(request, exc):
    if hasattr(exc, "error_dict"):
        fields = exc.message_dict
        message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
        return _error(request, 400, message, fields)
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, str(exc) or "Your role does not allow this.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "Authentication required: send `Authorization: Bearer <token>`.")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _error(request, 413, "The request body is too large; send less at once.")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_crash(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "Internal error; it has been logged.")


# Routers register their operations on import.
from rapport.accounts.api import router as accounts_router  # noqa: E402
from rapport.comms.api import router as comms_router  # noqa: E402
from rapport.estimates.api import router as estimates_router  # noqa: E402
from rapport.projects.api import router as projects_router  # noqa: E402
from rapport.promises.api import router as promises_router  # noqa: E402
from rapport.raci.api import router as raci_router  # noqa: E402
from rapport.stakeholders.api import router as stakeholders_router  # noqa: E402
from rapport.status.api import router as status_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", projects_router)
api.add_router("/", stakeholders_router)
api.add_router("/", raci_router)
api.add_router("/", promises_router)
api.add_router("/", estimates_router)
api.add_router("/", status_router)
api.add_router("/", comms_router)
