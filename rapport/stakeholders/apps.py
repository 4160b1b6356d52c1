from django.apps import AppConfig
from django.db.models.signals import post_save


class StakeholdersConfig(AppConfig):
    name = "rapport.stakeholders"
    label = "stakeholders"
    verbose_name = "Customers and stakeholders"

    def ready(self):
        from auditlog.registry import auditlog

        from rapport.accounts.models import Organisation

        from . import models
        from .signals import seed_categories_of_new_org

        auditlog.register(models.Category)
        auditlog.register(models.Party, m2m_fields={"categories"})
        auditlog.register(models.ProjectStakeholder)
        auditlog.register(models.CategoryConsideration)
        auditlog.register(models.ValueCriterion, m2m_fields={"goals"})
        auditlog.register(models.Outcome)
        auditlog.register(models.OutcomeMeasurement)
        auditlog.register(models.OutcomePosition)
        auditlog.register(models.OutcomeConflict)
        auditlog.register(models.SavedMapping)
        # Every organisation starts with the default taxonomy; its owners edit it from there.
        post_save.connect(
            seed_categories_of_new_org,
            sender=Organisation,
            dispatch_uid="stakeholders-seed-categories",
        )
