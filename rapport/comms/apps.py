from django.apps import AppConfig


class CommsConfig(AppConfig):
    """The communication plan, tailored reports, scheduled exactly-once delivery, the stakeholder
    portal and calendar feeds."""

    name = "rapport.comms"
    label = "comms"
    verbose_name = "Communication"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.PlanRow, m2m_fields={"audience_parties"})
        # Deliveries keep their own record (state, attempts, times); the audit log would only
        # repeat every state change of every e-mail.
        auditlog.register(models.PortalLink, exclude_fields=["password"])
        auditlog.register(models.Feedback)
        auditlog.register(models.CalendarFeed, exclude_fields=["token_hash"])
