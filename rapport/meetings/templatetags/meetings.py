"""Small drawings for the meetings pages: the business presence per status meeting as an SVG."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

register = template.Library()

BAR, GAP, HEIGHT = 14, 6, 48


@register.simple_tag
def presence_svg(trend):
    """One bar per status meeting, oldest first: the share of the business invitees who came."""
    if not trend.meetings:
        return ""
    width = len(trend.meetings) * (BAR + GAP)
    bars = []
    for i, m in enumerate(trend.meetings):
        x = i * (BAR + GAP)
        share = m.share or 0
        filled = round(HEIGHT * share)
        label = (
            f"{date_format(m.meeting.starts_at, 'MONTH_DAY_FORMAT')}: {m.business_attended} of {m.business_invited}"
            if m.business_invited
            else f"{date_format(m.meeting.starts_at, 'MONTH_DAY_FORMAT')}: no business invited"
        )
        bars.append((x, HEIGHT, x, HEIGHT - filled, filled, label))
    body = format_html_join(
        "",
        '<g><title>{5}</title><rect x="{0}" y="0" width="14" height="{1}" fill="#eef0f3"></rect>'
        '<rect x="{2}" y="{3}" width="14" height="{4}" fill="#1b7f3b"></rect></g>',
        bars,
    )
    share = trend.share
    summary = f"Business presence at the last {len(trend.meetings)} status meetings: " + (
        f"{round(share * 100)}% of invitations attended" if share is not None else "none invited"
    )
    return format_html(
        '<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'class="presence-chart">{}</svg>',
        summary,
        width,
        HEIGHT,
        width,
        HEIGHT,
        body,
    )
