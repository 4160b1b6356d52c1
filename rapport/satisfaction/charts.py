"""Sparklines: small inline SVG drawn by hand (a table row each; matplotlib per row would cost a
figure each). Scores 1-5 on a fixed scale so two rows compare at a glance. The SVG has
role="img" and a label in words for screen readers; the page shows the figures next to it too.
"""

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, PAD = 120, 32, 4
LINE = "#1f4e8c"
LOW = "#a4161a"  # the last point, when it is 1 or 2


def sparkline(scores: Sequence[float], *, label: str, width: int = WIDTH) -> str:
    """An SVG sparkline of 1-5 scores, oldest first, with ``label`` as its text alternative.
    An empty series draws nothing but still says so."""
    label = escape(label, quote=True)
    head = (
        f'<svg class="sparkline" role="img" aria-label="{label}" width="{width}" '
        f'height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title>"
    )
    if not scores:
        return head + "</svg>"
    span = width - 2 * PAD
    step = span / (len(scores) - 1) if len(scores) > 1 else 0

    def y(score: float) -> float:
        return round(HEIGHT - PAD - (score - 1) / 4 * (HEIGHT - 2 * PAD), 1)

    points = [(round(PAD + i * step, 1), y(s)) for i, s in enumerate(scores)]
    if len(points) == 1:
        points = [(PAD, points[0][1]), (width - PAD, points[0][1])]
    mid = y(3)
    path = " ".join(f"{x},{py}" for x, py in points)
    last_x, last_y = points[-1]
    colour = LOW if scores[-1] <= 2 else LINE
    return (
        head + f'<line x1="{PAD}" y1="{mid}" x2="{width - PAD}" y2="{mid}" stroke="#c9d1dc" '
        'stroke-dasharray="2 2" stroke-width="1"/>'
        + f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="{path}"/>'
        + f'<circle cx="{last_x}" cy="{last_y}" r="3" fill="{colour}"/>'
        + "</svg>"
    )


def describe(scores: Sequence[float], who: str) -> str:
    """The sparkline's text alternative: "Satisfaction of Kim Key, 5 pulses: 4, 4, 3, 2, 2"."""
    if not scores:
        return f"No satisfaction pulses from {who} yet"
    shown = ", ".join(f"{s:g}" for s in scores)
    return f"Satisfaction of {who}, {len(scores)} pulse{'s' if len(scores) != 1 else ''} oldest first: {shown}"
