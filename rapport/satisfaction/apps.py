from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    """Satisfaction pulses from stakeholders over time."""

    name = "rapport.satisfaction"
    label = "satisfaction"
    verbose_name = "Satisfaction"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Pulse)
