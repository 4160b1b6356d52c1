"""Pictures drawn on the server, ready for the places that embed them."""

import base64


def svg_data_uri(svg: str) -> str:
    """SVG markup as a data: URI, for <img> in a PDF (WeasyPrint draws SVG images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
