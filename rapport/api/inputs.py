"""One guard in front of every API operation: input the database cannot store is refused.

Pydantic accepts any Python int and any str, but SQLite and PostgreSQL store integers in 64 bits
and text as valid UTF-8, and PostgreSQL's text cannot hold a NUL character. Without this guard
such input reaches the database and becomes a 500.
"""

import functools
import re
import typing

from ninja.errors import ValidationError
from pydantic import BaseModel

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# In a Python str a valid astral character is one code point, so any of these stands alone.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Keyword arguments ninja builds itself; their fields are named as the client sent them.
UNNAMED_ARGUMENTS = {"ninja_pagination", "payload", "body"}


def reject_unstorable_input(view_func):
    """Operation decorator: 422 for integers beyond 64 bits, lone UTF-16 surrogates, NUL
    characters, and an explicit `null` in an optional text, yes/no or list field.

    Such fields are optional so they can be left out ("keep the value", or "use the default");
    null there would write NULL into a NOT NULL column. The API has always refused it with a
    clear message (projects, activities); this does it for every operation. Dates, numbers, ids
    and choices keep null: there it means "clear this value".
    """

    @functools.wraps(view_func)
    def guarded(request, *args, **kwargs):
        errors = []
        for name, value in kwargs.items():
            location = () if name in UNNAMED_ARGUMENTS else (name,)
            _inspect(value, location, errors)
        if errors:
            raise ValidationError(errors)
        return view_func(request, *args, **kwargs)

    return guarded


def _inspect(value, location: tuple, errors: list) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            errors.append({"loc": location, "msg": f"Must be between {INT64_MIN} and {INT64_MAX}."})
    elif isinstance(value, str):
        if LONE_SURROGATE.search(value):
            errors.append(
                {"loc": location, "msg": "Contains a lone UTF-16 surrogate; send valid Unicode."}
            )
        if "\x00" in value:
            errors.append(
                {"loc": location, "msg": "Contains a NUL character, which text cannot hold."}
            )
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            place = (*location, field.alias or name)
            if item is None and name in value.model_fields_set and _null_is_refused(field):
                errors.append({"loc": place, "msg": "May not be null: leave the field out."})
            _inspect(item, place, errors)
    elif isinstance(value, dict):
        for key, item in value.items():
            _inspect(key, (*location, str(key)), errors)
            _inspect(item, (*location, str(key)), errors)
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            _inspect(item, (*location, index), errors)


def _null_is_refused(field) -> bool:
    kinds = [a for a in typing.get_args(field.annotation) if a is not type(None)]
    return bool(kinds) and all(_is_text_flag_or_collection(kind) for kind in kinds)


def _is_text_flag_or_collection(kind) -> bool:
    if typing.get_origin(kind) in (list, dict, set, tuple) or kind in (list, dict, set, tuple):
        return True
    return kind in (str, bool)


__all__ = ["reject_unstorable_input", "INT64_MIN", "INT64_MAX"]
