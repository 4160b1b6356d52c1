"""The board's per-row pieces, built in Python: a board page shows dozens of projects with a dozen
snapshots each, and an {% include %} per cell made rendering cost more than the queries."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def rag(colour: str, none_label: str = "Not measured"):
    """A colour badge, as status/_colour.html draws it."""
    if colour:
        return format_html('<span class="rag rag-{}">{}</span>', colour, colour.capitalize())
    return format_html('<span class="rag rag-none">{}</span>', none_label)


@register.simple_tag
def history_strip(history):
    """Reported (top) over evidence (bottom) for each snapshot, oldest first, with a text label."""
    label = "; ".join(
        f"{date_format(s.taken_at, 'MONTH_DAY_FORMAT')}: reported {s.reported or 'none'}, "
        f"evidence {s.evidence or 'not measured'}"
        for s in history
    )
    cells = format_html_join(
        "",
        '<span class="cell"><span class="top cell-{}"></span><span class="bottom cell-{}"></span></span>',
        ((s.reported or "none", s.evidence or "none") for s in history),
    )
    return format_html(
        '<span class="history-strip" role="img" aria-label="{}">{}</span>',
        label or "no history",
        cells,
    )
