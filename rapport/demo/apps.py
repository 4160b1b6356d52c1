from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "rapport.demo"
    label = "demo"
    verbose_name = "Demo workspace"
