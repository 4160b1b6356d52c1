from django.db import models


class OutboxMessage(models.Model):
    """An e-mail "sent" in development: kept here so a person can read it in the outbox page.

    Only the development outbox backend (rapport.ops.outbox.OutboxBackend) writes these; in
    production mail goes out through SMTP and this table stays empty.
    """

    org = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
        help_text="The organisation the message was sent for, when Rapport knows it.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    to = models.TextField(help_text="Recipients, comma-separated, as in the To header.")
    subject = models.TextField()
    raw = models.BinaryField(help_text="The whole message as it would have gone over SMTP.")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.subject} → {self.to}"
