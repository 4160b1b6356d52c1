"""The published OpenAPI schema is true: every status an operation can answer is declared, and
every schema name means one shape (ninja files two classes of one name under one component)."""

from collections import Counter

from ninja import Schema

from rapport.api.api import api

WRITES = {"post", "put", "patch", "delete"}


def _operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", method, operation


def _declared(operation) -> set[str]:
    return {str(code) for code in operation["responses"]}


def test_every_operation_declares_the_errors_every_operation_can_give():
    missing = {
        name: {"401", "403", "404"} - _declared(operation)
        for name, _, operation in _operations()
        if {"401", "403", "404"} - _declared(operation)
    }
    assert missing == {}


def test_operations_that_take_input_declare_422_and_writes_declare_400_and_409():
    missing = {}
    for name, method, operation in _operations():
        expected = set()
        if operation.get("parameters") or "requestBody" in operation:
            expected |= {"422", "400"}
        if method in WRITES:
            expected |= {"400", "409"}
        if "requestBody" in operation:
            expected.add("413")
        if expected - _declared(operation):
            missing[name] = expected - _declared(operation)
    assert missing == {}


def test_declared_errors_have_the_shape_the_error_handlers_send():
    schema = api.get_openapi_schema()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["message"]
    assert set(error["properties"]) == {"message", "fields"}
    _, _, operation = next(op for op in _operations() if op[1] == "post")
    assert operation["responses"][422]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_an_operations_own_declared_error_is_kept():
    _, _, raci_import = next(op for op in _operations() if op[0].endswith("/raci/import"))
    assert raci_import["responses"][400]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/RaciImportRefusedOut"
    )


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_api_schemas_share_a_name():
    names = Counter(
        cls.__name__ for cls in set(_subclasses(Schema)) if cls.__module__.startswith("rapport.")
    )
    assert [name for name, count in names.items() if count > 1] == []
