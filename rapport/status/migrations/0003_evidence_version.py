"""The evidence's version number, kept current by triggers (see models.EvidenceVersion).

Each trigger adds one to the version of every project whose evidence the changed row belongs to
(before or after the change), once per row, in the same transaction. The columns are those that
rapport/status/selectors.py's evidence_inputs and what it asks of other apps read (with the SLA
breaches: rapport/slas/selectors.py's measured and recorded breaches). The triggers' SQL comes
from rapport/lib/version_triggers.py.
"""

from django.db import migrations, models

from rapport.lib.version_triggers import Watched, triggers_operation

OWN = "SELECT R.project_id AS p"
WATCHED = {
    "status_statusupdate": Watched(OWN),
    "status_statusdecision": Watched(
        "SELECT project_id AS p FROM status_statusupdate WHERE id = R.update_id"
    ),
    "status_healthconfig": Watched(OWN),
    "status_risk": Watched(OWN, ("project_id", "probability", "impact", "closed_at")),
    "raci_activity": Watched(
        OWN,
        ("project_id", "kind", "status", "planned_finish", "baseline_finish", "actual_finish"),
    ),
    # Only the Accountable letters count (the RACI errors of the evidence).
    "raci_assignment": Watched(
        "SELECT project_id AS p FROM raci_activity WHERE id = R.activity_id",
        ("activity_id", "letter"),
        when="R.letter = 'A'",
    ),
    "promises_commitment": Watched(
        OWN, ("project_id", "what", "status", "promised_date", "delivered_on", "closed_at")
    ),
    "promises_renegotiation": Watched(
        "SELECT project_id AS p FROM promises_commitment WHERE id = R.commitment_id",
        ("commitment_id", "agreed_on"),
    ),
    "comms_delivery": Watched(
        OWN, ("project_id", "party_id", "occurrence", "manual", "comm_type", "state", "sent_at")
    ),
    "comms_feedback": Watched(
        OWN,
        (
            "project_id",
            "delivery_id",
            "party_id",
            "source",
            "acknowledged_at",
            "rating",
            "rated_at",
            "commented_at",
            "replied_at",
        ),
    ),
    "meetings_meeting": Watched(OWN, ("project_id", "kind", "title", "starts_at")),
    "meetings_invitee": Watched(
        "SELECT project_id AS p FROM meetings_meeting WHERE id = R.meeting_id",
        ("meeting_id", "is_business", "attendance"),
    ),
    "meetings_decision": Watched(OWN, ("project_id", "status_update_id", "decided_on")),
    "slas_agreement": Watched(OWN, ("project_id", "active")),
    "slas_obligation": Watched(
        "SELECT project_id AS p FROM slas_agreement WHERE id = R.agreement_id"
    ),
    "slas_breach": Watched(
        "SELECT a.project_id AS p FROM slas_obligation o "
        "JOIN slas_agreement a ON a.id = o.agreement_id WHERE o.id = R.obligation_id"
    ),
    "satisfaction_pulse": Watched(OWN, ("project_id", "stakeholder_id", "score", "given_at")),
    "stakeholders_projectstakeholder": Watched(OWN, ("project_id", "party_id", "power", "interest")),
    # Names show in the key customers' pulses and in the SLA breaches (questions and reports).
    "stakeholders_party": Watched(
        "SELECT project_id AS p FROM stakeholders_projectstakeholder WHERE party_id = R.id "
        "UNION SELECT project_id FROM comms_delivery WHERE party_id = R.id "
        "UNION SELECT project_id FROM comms_feedback WHERE party_id = R.id",
        ("name",),
        updates_only=True,
    ),
}
# PostgreSQL fires a row's triggers in the order of their names: "status_..." after
# "raci_version_...", so a write that moves both versions (a stakeholder's power, a party's name)
# takes the RACI's row first, as every RACI service does (raci.services.matrix_lock) before it
# moves the evidence's. Writers of both then queue instead of deadlocking.
PREFIX = "status_evidence_version"


class Migration(migrations.Migration):
    dependencies = [
        ("status", "0002_dimensions_may_be_not_assessed"),
        ("raci", "0006_matrix_version"),
        ("promises", "0003_promisepolicy"),
        ("comms", "0005_comment_replies"),
        ("meetings", "0001_initial"),
        ("slas", "0001_initial"),
        ("satisfaction", "0001_initial"),
        ("stakeholders", "0008_saved_mapping"),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceVersion",
            fields=[
                ("project_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        triggers_operation("status_evidenceversion", PREFIX, WATCHED),
    ]
