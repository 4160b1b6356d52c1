"""The REST API under /api/v1/: one NinjaAPI, routers from each app, JSON errors only."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import IntegrityError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import HttpBearer, SessionAuth

from rapport.accounts.access import public_view
from rapport.accounts.services import api_token_authenticate
from rapport.lib.validation import CONFLICT_MESSAGE, Conflict
from rapport.lib.xlsx_guard import human_size

from .inputs import reject_unstorable_input
from .responses import declare_error_responses

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """A personal API token, created on the account page."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class RapportAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_error_responses(schema)
        return schema


api = RapportAPI(
    title="Rapport API",
    version="1",
    description=(
        "Everything the Rapport web pages can do. Authenticate with a personal token from your "
        "account page: `Authorization: Bearer rpt_…`. Errors are JSON: `message`, and `fields` "
        "naming each invalid field. Integers must fit in 64 bits, text must be valid Unicode (no "
        "lone surrogates), and an optional text, yes/no or list field is left out rather than "
        "sent as `null`; `null` clears an optional date, number, id or choice."
    ),
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth(csrf=True)],
    docs_decorator=public_view,
)


api.add_decorator(reject_unstorable_input, mode="operation")


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


@api.exception_handler(Conflict)
def on_conflict(request, exc):
    # Another request won a race between the service's check and its write: the same words as
    # the check, with 409 so a client knows a retry after reloading can succeed.
    fields = exc.message_dict if hasattr(exc, "error_dict") else None
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()) if fields else None
    return _error(request, 409, message or " ".join(exc.messages), fields)


@api.exception_handler(IntegrityError)
def on_integrity_error(request, exc):
    logger.warning("Write refused by the database on %s %s: %s", request.method, request.path, exc)
    return _error(request, 409, CONFLICT_MESSAGE)


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
    limit = human_size(settings.RAPPORT_IMPORT_MAX_BYTES)
    return _error(
        request,
        413,
        f"The request is too large: files up to {limit} (base64 in JSON) are accepted.",
    )


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
from rapport.education.api import router as education_router  # noqa: E402
from rapport.estimates.api import router as estimates_router  # noqa: E402
from rapport.experts.api import router as experts_router  # noqa: E402
from rapport.lessons.api import router as lessons_router  # noqa: E402
from rapport.meetings.api import router as meetings_router  # noqa: E402
from rapport.projects.api import router as projects_router  # noqa: E402
from rapport.promises.api import router as promises_router  # noqa: E402
from rapport.raci.api import router as raci_router  # noqa: E402
from rapport.relations.api import router as relations_router  # noqa: E402
from rapport.relationship.api import router as relationship_router  # noqa: E402
from rapport.satisfaction.api import router as satisfaction_router  # noqa: E402
from rapport.slas.api import router as slas_router  # noqa: E402
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
api.add_router("/", relations_router)
api.add_router("/", meetings_router)
api.add_router("/", education_router)
api.add_router("/", lessons_router)
api.add_router("/", experts_router)
api.add_router("/", satisfaction_router)
api.add_router("/", slas_router)
api.add_router("/", relationship_router)
