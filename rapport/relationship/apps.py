from django.apps import AppConfig


class RelationshipConfig(AppConfig):
    """One view of the relationship with a project's customers: meetings, interactions,
    education, lessons, satisfaction, SLAs and experts together. No models of its own; it sits at
    the top of the staircase and reads the apps below it."""

    name = "rapport.relationship"
    label = "relationship"
    verbose_name = "Relationship overview"
