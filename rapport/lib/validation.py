"""Small helpers services share for validating before they write."""

import re
from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def validated_save(instance, *, exclude=None):
    """Run the model's full validation (fields and clean()) and save, or raise ValidationError."""
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


class Conflict(ValidationError):
    """A uniqueness rule the database enforced: another request wrote the same thing between our
    check and our write. Forms show it like any error; the API answers 409."""


CONFLICT_MESSAGE = "Someone else changed this at the same moment: reload the page and try again."


@contextmanager
def unique_write(recheck: Callable[[], None]):
    """Run the writes inside in a savepoint. Uniqueness is a database constraint; the Python
    check before the write only words the message. When two requests pass the check together,
    the database refuses the second (or full_clean sees the first, committed a moment before):
    run `recheck` (the same check, which now sees the winner) and raise its error as a Conflict,
    instead of a 500 or the model's generic "already exists"."""
    try:
        with transaction.atomic():
            yield
    except (IntegrityError, ValidationError) as refused:
        try:
            recheck()
        except ValidationError as error:
            raise Conflict(error) from None
        if isinstance(refused, ValidationError):
            raise  # refused for another reason than the rule `recheck` words
        raise Conflict(CONFLICT_MESSAGE) from None


def field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


# Line breaks, NUL and the other C0/C1 control characters, and Unicode's line and paragraph
# separators: in a name that reaches an e-mail header they break the message or forge a header.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def has_control_characters(value) -> bool:
    return isinstance(value, str) and _CONTROL_CHARACTERS.search(value) is not None


def single_line(value: str) -> str:
    """The value as one clean line: each run of control characters becomes one space."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", value or "").split())


def refuse_control_characters(instance, *fields: str) -> None:
    """For a model's clean(): names that go into e-mail headers must be one line of text."""
    errors = {
        name: (
            f"The {instance._meta.get_field(name).verbose_name} must be one line of text: "
            "it contains a line break or another control character."
        )
        for name in fields
        if has_control_characters(getattr(instance, name))
    }
    if errors:
        raise ValidationError(errors)


def strip_text_fields(fields: dict) -> dict:
    """The fields with surrounding spaces taken off every text value (services' keyword input)."""
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


def refuse_unknown_fields(fields: dict, allowed, what: str) -> None:
    """A service's `**fields` may only name fields it changes: a typo is an error, not a no-op."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown {what} fields: {', '.join(sorted(unknown))}")
