from django.apps import AppConfig


class RelationsConfig(AppConfig):
    """The relationship work with customers: interactions (calls, visits, workshops, e-mails)."""

    name = "rapport.relations"
    label = "relations"
    verbose_name = "Relationship work"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Interaction)
