from django.apps import AppConfig


class RaciConfig(AppConfig):
    """Activities (tasks, milestones, decisions, deliverables) in phases, and who does, owns,
    advises and hears about each; SIPOC + Outcome processes."""

    name = "rapport.raci"
    label = "raci"
    verbose_name = "Activities and RACI"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Phase)
        auditlog.register(models.Activity, m2m_fields={"outcomes"})
        auditlog.register(models.Assignment)
        auditlog.register(models.RaciSettings)
        auditlog.register(models.SipocProcess, m2m_fields={"outcomes"})
        auditlog.register(models.SipocSupplier)
        auditlog.register(models.SipocInput)
        auditlog.register(models.SipocStep)
        auditlog.register(models.SipocOutput, m2m_fields={"outcomes"})
        auditlog.register(models.SipocCustomer, m2m_fields={"outcomes"})
