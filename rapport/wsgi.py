import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Do now, while the web worker starts, what its first request would otherwise wait for
    (two or three seconds): import every view and the API (Django loads the URLs lazily), and
    draw one small chart (matplotlib, its fonts and renderers)."""
    import io

    from django.urls import get_resolver
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    get_resolver().url_patterns  # noqa: B018  (the import is the point)
    figure = Figure(figsize=(2, 1), dpi=72)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1])
    axes.set_title("Warm-up", fontfamily="DejaVu Sans")
    figure.savefig(io.StringIO(), format="svg", bbox_inches="tight")
    figure.savefig(io.BytesIO(), format="png")


_warm_up()
# Everything loaded so far lives as long as the worker: out of the garbage collector's sight, its
# full collections (which walk every object) stay short, and so do the slowest requests.
gc.freeze()
