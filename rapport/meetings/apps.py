from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings with the customers: agenda, invitations, attendance, minutes, the decision log and actions."""

    name = "rapport.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from auditlog.registry import auditlog

        from rapport.comms import delivery

        from . import invitations, models

        auditlog.register(models.Meeting)
        auditlog.register(models.Invitee)
        auditlog.register(models.Decision)
        auditlog.register(models.Action)
        # Invitations ride on the periodic `rapport comms deliver` run (retries after a failure).
        if invitations.periodic not in delivery.QUEUES:
            delivery.QUEUES.append(invitations.periodic)
