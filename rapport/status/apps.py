from django.apps import AppConfig


class StatusConfig(AppConfig):
    """Honest status: status updates, risks, evidence-based health and the watermelon finding."""

    name = "rapport.status"
    label = "status"
    verbose_name = "Honest status"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.StatusUpdate)
        auditlog.register(models.StatusObstacle, m2m_fields={"customers"})
        auditlog.register(models.StatusDecision)
        auditlog.register(models.Risk)
        auditlog.register(models.HealthConfig)
