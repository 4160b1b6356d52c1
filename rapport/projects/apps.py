from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "rapport.projects"
    label = "projects"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Project)
        auditlog.register(models.ProjectMembership)
        auditlog.register(models.Goal)
