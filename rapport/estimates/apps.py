from django.apps import AppConfig
from django.db.models.signals import post_save


class EstimatesConfig(AppConfig):
    """Three-point estimates, dependencies, the sponsor's target, versions and simulations."""

    name = "rapport.estimates"
    label = "estimates"
    verbose_name = "Estimates"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, signals

        auditlog.register(models.ActivityEstimate)
        auditlog.register(models.Dependency)
        auditlog.register(models.SponsorConstraint)
        # versions and runs are records themselves: note that they were made, not their JSON
        auditlog.register(models.EstimateVersion, exclude_fields=["snapshot", "digest"])
        auditlog.register(models.SimulationRun, exclude_fields=["result"])
        # the track record follows the status updates and the project's completion
        post_save.connect(
            signals.record_on_project_saved,
            sender="projects.Project",
            dispatch_uid="estimates-track-record-project",
        )
        post_save.connect(
            signals.record_on_status_published,
            sender="status.StatusUpdate",
            dispatch_uid="estimates-track-record-status",
        )
