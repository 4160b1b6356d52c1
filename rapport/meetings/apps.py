from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings with the customers: agenda, invitations, attendance, minutes, the decision log and actions."""

    name = "rapport.meetings"
    label = "meetings"
    verbose_name = "Meetings"
