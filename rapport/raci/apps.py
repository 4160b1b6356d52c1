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
        # name_key is derived from the name: its change is the name's change, already shown.
        auditlog.register(models.Activity, m2m_fields={"outcomes"}, exclude_fields=["name_key"])
        auditlog.register(models.Assignment)
        auditlog.register(models.ConsultedInput)
        auditlog.register(models.RaciSettings)
        auditlog.register(models.SipocProcess, m2m_fields={"outcomes"})
        auditlog.register(models.SipocSupplier)
        auditlog.register(models.SipocInput)
        auditlog.register(models.SipocStep)
        auditlog.register(models.SipocOutput, m2m_fields={"outcomes"})
        auditlog.register(models.SipocCustomer, m2m_fields={"outcomes"})
