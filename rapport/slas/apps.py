from django.apps import AppConfig


class SlasConfig(AppConfig):
    """Agreements between IT and the business, with obligations on both sides, measured."""

    name = "rapport.slas"
    label = "slas"
    verbose_name = "Service-level agreements"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Agreement)
        auditlog.register(models.Obligation)
        auditlog.register(models.Breach)
