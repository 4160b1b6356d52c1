from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rapport.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, session_timeout  # noqa: F401  (connects the sign-in stamp)

        # Passwords and sign-in times are never recorded: only who has an account, since when.
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.Organisation)
        auditlog.register(models.OrgMembership)
        auditlog.register(models.Invitation, exclude_fields=["token_hash"])
        auditlog.register(models.ApiToken, exclude_fields=["token_hash", "last_used_at"])
