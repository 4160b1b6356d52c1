from django.apps import AppConfig


class PromisesConfig(AppConfig):
    """Promises to customers and what was delivered against them; customers' expectations."""

    name = "rapport.promises"
    label = "promises"
    verbose_name = "Promises and expectations"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Commitment)
        auditlog.register(models.Renegotiation)
        auditlog.register(models.Expectation)
        auditlog.register(models.PromisePolicy)
