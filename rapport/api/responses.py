"""The error responses every API operation can give, declared once for the published schema.

Errors come from the exception handlers in api.py, not from the operations, so ninja does not
know about them. Declaring them here keeps /api/v1/openapi.json true for every operation,
including ones added later, without each router repeating the list.
"""

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "description": "Each invalid field (dotted path) with why it is invalid.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["message"],
}
ERROR_DESCRIPTIONS = {
    400: "The request breaks a rule; `message` and `fields` say which.",
    401: "No valid token or session: send `Authorization: Bearer <token>`.",
    403: "Your role on this project or organisation does not allow this.",
    404: "No such object, or it belongs to an organisation you are not in.",
    409: "Conflicts with a change made at the same time; reload and retry.",
    413: "The request body is larger than the import size limit.",
    422: "The request does not match the schema; `fields` names each invalid field.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def error_codes(method: str, operation: dict) -> set[int]:
    """The error statuses one operation can answer, from what it accepts."""
    codes = {404}  # every operation checks access; outsiders and unknown ids get 404
    if operation.get("security"):
        codes |= {401, 403}
    has_body = "requestBody" in operation
    if operation.get("parameters") or has_body:
        codes.add(422)
    if method in WRITE_METHODS or operation.get("parameters"):
        codes.add(400)
    if method in WRITE_METHODS:
        codes.add(409)
    if has_body:
        codes.add(413)
    return codes


def declare_error_responses(schema: dict) -> dict:
    """Add the Error component and each operation's error responses (declared ones win)."""
    _times_without_offset(schema)
    schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(error_codes(method, operation)):
                if code in responses or str(code) in responses:
                    continue
                responses[code] = {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": reference}},
                }
    return schema


def _times_without_offset(node) -> None:
    # JSON Schema's "time" demands a UTC offset (RFC 3339 full-time); times of day here have none.
    if isinstance(node, dict):
        if node.get("format") == "time":
            node["format"] = "partial-time"
        for child in node.values():
            _times_without_offset(child)
    elif isinstance(node, list):
        for child in node:
            _times_without_offset(child)
