from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    """Subject-matter experts in the register: areas, availability, the projects they helped."""

    name = "rapport.experts"
    label = "experts"
    verbose_name = "Experts"
