from django.apps import AppConfig


class EducationConfig(AppConfig):
    """What was explained to which stakeholders, and how well they understood it."""

    name = "rapport.education"
    label = "education"
    verbose_name = "Education"
