import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
application = get_wsgi_application()


def _warm_up_charts() -> None:
    """Load matplotlib and its font list now, while the web worker starts, rather than during
    the first estimate, dashboard or track-record page it serves (about a second)."""
    from matplotlib import font_manager
    from matplotlib.backends import backend_agg, backend_svg  # noqa: F401  (both are used)

    font_manager.findfont("DejaVu Sans")


_warm_up_charts()
