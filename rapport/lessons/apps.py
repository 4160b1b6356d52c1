from django.apps import AppConfig


class LessonsConfig(AppConfig):
    """Lessons learned, captured during projects, searched and reused across the organisation."""

    name = "rapport.lessons"
    label = "lessons"
    verbose_name = "Lessons learned"
