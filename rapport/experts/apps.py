from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    """Subject-matter experts in the register: areas, availability, the projects they helped."""

    name = "rapport.experts"
    label = "experts"
    verbose_name = "Experts"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Expertise, exclude_fields=["name_key"])
        auditlog.register(models.Expert, m2m_fields={"areas", "helped_projects"})
        auditlog.register(models.ActivityArea)
