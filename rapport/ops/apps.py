from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Rapport: the web server and the background worker commands."""

    name = "rapport.ops"
    label = "ops"
