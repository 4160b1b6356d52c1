from datetime import date

import pytest

from rapport.slas import services


@pytest.fixture
def agreement(world):
    """ALPHA's agreement: IT answers within 24 hours and keeps promises within 2 days; the
    business decides within 7 days, attends 75 % and signs off within 10 days."""
    a = services.agreement_create(
        actor=world.manager, project=world.alpha, title="IT and Sales", agreed_on=date(2026, 1, 5)
    )
    obligations = {
        kind: services.obligation_add(
            actor=world.manager, agreement=a, side=side, kind=kind, target=target
        )
        for side, kind, target in [
            ("it", "question-response", 24),
            ("it", "report-cadence", 12),
            ("it", "promise-dates", 2),
            ("business", "decision-turnaround", 7),
            ("business", "meeting-attendance", 75),
            ("business", "sign-off", 10),
        ]
    }
    a.by_kind = obligations
    return a
