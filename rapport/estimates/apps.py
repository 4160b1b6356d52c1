from django.apps import AppConfig


class EstimatesConfig(AppConfig):
    """Three-point estimates, dependencies, the sponsor's target, versions and simulations."""

    name = "rapport.estimates"
    label = "estimates"
    verbose_name = "Estimates"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.ActivityEstimate)
        auditlog.register(models.Dependency)
        auditlog.register(models.SponsorConstraint)
        # versions and runs are records themselves: note that they were made, not their JSON
        auditlog.register(models.EstimateVersion, exclude_fields=["snapshot", "digest"])
        auditlog.register(models.SimulationRun, exclude_fields=["result"])
