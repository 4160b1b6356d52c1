from django.apps import AppConfig


class SlasConfig(AppConfig):
    """Agreements between IT and the business, with obligations on both sides, measured."""

    name = "rapport.slas"
    label = "slas"
    verbose_name = "Service-level agreements"
