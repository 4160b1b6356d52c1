"""Saved column mappings: the column meanings a PM corrected on an import preview, kept under a
name so next week's export of the same spreadsheet is read the same way, from the page, the API
or the CLI. Writes (keyword-only, atomic, audited) and reads for the register, customers and RACI
imports; the RACI app uses them from above (imports point down the staircase)."""

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.lib import columns
from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, single_line, unique_write, validated_save

from . import importing
from .models import SavedMapping, SavedMappingKind

KINDS = tuple(SavedMappingKind.values)
MAX_COLUMNS = 500
MAX_HEADER_CHARS = 200
_IMPORT_NAMES = {"register": "register", "customers": "customers", "raci": "RACI"}


def meanings_for(kind: str) -> dict[str, str]:
    """The meanings a column may have in this kind of import, with their names on the page."""
    if kind == SavedMappingKind.RACI:
        return dict(columns.RACI_MEANINGS)
    if kind in KINDS:
        return dict(importing.MEANINGS)
    raise field_error("kind", f"Unknown import “{kind}”: use one of {', '.join(KINDS)}.")


def clean_mapping(kind: str, mapping, *, field: str = "mapping") -> dict[str, str]:
    """The mapping as stored: {header as written: meaning}, blank headers dropped, one entry per
    header as compared (accents, case and punctuation do not count; the last one wins). Raises
    ValidationError naming the header whose meaning is not one of the kind's."""
    allowed = meanings_for(kind)
    if not isinstance(mapping, dict):
        raise field_error(field, "Give the columns as {header: meaning}.")
    if len(mapping) > MAX_COLUMNS:
        raise field_error(field, f"At most {MAX_COLUMNS} columns.")
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header, meaning in mapping.items():
        if not isinstance(header, str) or not isinstance(meaning, str):
            raise field_error(field, "Headers and meanings must be text.")
        header = single_line(header)
        if not columns.norm(header):
            continue
        if len(header) > MAX_HEADER_CHARS:
            raise field_error(field, f"The header “{header[:40]}…” is too long.")
        meaning = meaning.strip()
        if meaning not in allowed:
            raise field_error(
                field,
                f"The column “{header}” cannot mean “{meaning}”: use one of {', '.join(allowed)}.",
            )
        key = columns.norm(header)
        cleaned.pop(seen.get(key, ""), None)
        seen[key] = header
        cleaned[header] = meaning
    if not cleaned:
        raise field_error(field, "The mapping has no column with a header.")
    return cleaned


def _same_name(org, kind: str, name: str):
    return (
        SavedMapping.objects.filter(org=org, kind=kind)
        .annotate(lower_name=Lower("name"))
        .filter(lower_name=name.lower())
    )


def _check_name(name: str) -> str:
    name = single_line(name or "")
    if not name:
        raise field_error("name", "Give the saved mapping a name.")
    if len(name) > SavedMapping._meta.get_field("name").max_length:
        raise field_error("name", "Keep the name under 80 characters.")
    return name


@transaction.atomic
def save_mapping(
    *, actor, org, kind: str, name: str, mapping: dict, overwrite: bool = True
) -> SavedMapping:
    """Keep `mapping` ({header: meaning}) under `name` for this kind of import in `org`. A mapping
    of the same name (whatever its case) is replaced when `overwrite`, else refused."""
    name = _check_name(name)
    mapping = clean_mapping(kind, mapping)

    def name_free():
        if _same_name(org, kind, name).exists():
            raise field_error("name", f"There is a saved mapping “{name}” already.")

    existing = _same_name(org, kind, name).select_for_update().first()
    if existing is not None and not overwrite:
        name_free()
    saved = existing or SavedMapping(org=org, kind=kind, created_by=_user(actor))
    saved.name = name
    saved.mapping = mapping
    saved.updated_at = timezone.now()
    with acting_as(actor), unique_write(name_free):
        validated_save(saved)
    return saved


@transaction.atomic
def delete_mapping(*, actor, saved: SavedMapping) -> None:
    """Forget a saved mapping; imports already made with it are unchanged."""
    with acting_as(actor):
        saved.delete()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- reads -----------------------------------------------------------------------------------------


def saved_mapping_list(org, kind: str | None = None):
    """The organisation's saved mappings, by import then name (with who saved each)."""
    queryset = SavedMapping.objects.filter(org=org).select_related("created_by")
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("kind", Lower("name"), "pk")


def saved_mapping_names(org, kind: str) -> list[str]:
    """The names to choose from on an upload page, alphabetically."""
    return list(
        SavedMapping.objects.filter(org=org, kind=kind)
        .order_by(Lower("name"))
        .values_list("name", flat=True)[:200]
    )


def saved_mapping_get(org, kind: str, name: str, *, field: str = "saved_mapping") -> SavedMapping:
    """The saved mapping of this name (whatever its case) for this import in `org`; a name the
    organisation does not have is a ValidationError on `field` (another organisation's names are
    unknown here)."""
    saved = _same_name(org, kind, single_line(name or "")).first()
    if saved is None:
        raise field_error(
            field,
            f"There is no saved mapping “{single_line(name or '')}” for the "
            f"{_IMPORT_NAMES.get(kind, kind)} import.",
        )
    return saved


def mapping_with(
    org, kind: str, *, saved_name: str | None, inline=None, field: str = "saved_mapping"
) -> dict[str, str]:
    """A saved mapping's columns with `inline` ({header: meaning} or ["HEADER=MEANING"]) on top:
    an inline meaning wins for its header. Keys are headers as compared (columns.parse_mapping)."""
    base = {}
    if saved_name:
        base = columns.parse_mapping(saved_mapping_get(org, kind, saved_name, field=field).mapping)
    return {**base, **columns.parse_mapping(inline or None)}
