"""Small helpers services share for validating before they write."""

from django.core.exceptions import ValidationError


def validated_save(instance, *, exclude=None):
    """Run the model's full validation (fields and clean()) and save, or raise ValidationError."""
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})
