from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    """Satisfaction pulses from stakeholders over time."""

    name = "rapport.satisfaction"
    label = "satisfaction"
    verbose_name = "Satisfaction"
