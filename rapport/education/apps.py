from django.apps import AppConfig


class EducationConfig(AppConfig):
    """What was explained to which stakeholders, and how well they understood it."""

    name = "rapport.education"
    label = "education"
    verbose_name = "Education"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Topic, exclude_fields=["name_key"])
        auditlog.register(models.Explanation)
        auditlog.register(models.ExplanationAudience)
