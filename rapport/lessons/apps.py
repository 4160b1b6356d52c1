from django.apps import AppConfig


class LessonsConfig(AppConfig):
    """Lessons learned, captured during projects, searched and reused across the organisation."""

    name = "rapport.lessons"
    label = "lessons"
    verbose_name = "Lessons learned"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Lesson, m2m_fields={"phases", "activities"})
        auditlog.register(models.LessonContributor)
        auditlog.register(models.LessonApplication)
        auditlog.register(models.LessonFollowUp)
