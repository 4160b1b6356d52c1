"""The relationship with a project's customers in one read: what the project page, the API and
`rapport relationship` show. Each section's figures come from its own app's selectors; this
module only gathers them (a fixed number of queries, whatever the project's size)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

SATISFACTION_DAYS = 90  # the "recent" average on the relationship page


def _meetings(project, now) -> dict:
    from rapport.meetings.models import Action, ActionStatus, Decision, Meeting
    from rapport.meetings.selectors import attendance_prompts, attendance_trend

    counts = Meeting.objects.filter(project=project).aggregate(
        held=Count("pk", filter=Q(starts_at__lt=now)),
        upcoming=Count("pk", filter=Q(starts_at__gte=now)),
    )
    upcoming = (
        Meeting.objects.filter(project=project, starts_at__gte=now).order_by("starts_at").first()
    )
    trend = attendance_trend(project, now=now)
    today = timezone.localtime(now).date()
    actions = Action.objects.filter(project=project, status=ActionStatus.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today))
    )
    return {
        "held": counts["held"],
        "upcoming": counts["upcoming"],
        "next": (
            {"id": upcoming.pk, "title": upcoming.title, "starts_at": upcoming.starts_at}
            if upcoming
            else None
        ),
        "business_invited": trend.invited,
        "business_attended": trend.attended,
        "business_attendance_share": trend.share,
        "attendance_by_person": [
            {"name": p.name, "invited": p.invited, "attended": p.attended, "missed": p.missed}
            for p in trend.people
        ],
        "prompts": [p.message for p in attendance_prompts(project, trend=trend, now=now)],
        "decisions": Decision.objects.filter(project=project).count(),
        "open_actions": actions["open"],
        "overdue_actions": actions["overdue"],
    }


def _interactions(project) -> dict:
    from rapport.relations.models import Interaction
    from rapport.relations.selectors import not_heard_from, not_heard_from_weeks

    figures = Interaction.objects.filter(project=project).aggregate(
        count=Count("pk"),
        last=Max("date"),
        open_follow_ups=Count("pk", filter=Q(follow_up_due__isnull=False, follow_up_done=False)),
    )
    return {
        **figures,
        "not_heard_from_weeks": not_heard_from_weeks(),
        "not_heard_from": [s.party.name for s in not_heard_from(project)],
    }


def _education(project) -> dict:
    from rapport.education.models import Explanation, ExplanationAudience, Understanding

    explanations = Explanation.objects.filter(project=project)
    audience = ExplanationAudience.objects.filter(explanation__project=project).aggregate(
        reached=Count("stakeholder", distinct=True),
        rows=Count("pk"),
        understood=Count("pk", filter=Q(understanding=Understanding.UNDERSTOOD)),
    )
    return {
        "explanations": explanations.count(),
        "topics_covered": explanations.values("topic").distinct().count(),
        "stakeholders_reached": audience["reached"],
        "understood_share": (
            round(audience["understood"] / audience["rows"], 2) if audience["rows"] else None
        ),
    }


def _lessons(project) -> dict:
    from rapport.lessons.selectors import lesson_summary

    return lesson_summary(project)


def _satisfaction(project, now, health_settings) -> dict:
    from rapport.satisfaction.models import Pulse
    from rapport.satisfaction.selectors import key_customer_pulses
    from rapport.status.rules import signal_satisfaction_falling

    figures = Pulse.objects.filter(project=project).aggregate(
        pulses=Count("pk"),
        average=Avg("score"),
        recent_average=Avg(
            "score", filter=Q(given_at__gte=now - timedelta(days=SATISFACTION_DAYS))
        ),
    )
    signal = signal_satisfaction_falling(key_customer_pulses(project), health_settings)
    return {
        "pulses": figures["pulses"],
        "average": round(figures["average"], 2) if figures["average"] is not None else None,
        "recent_days": SATISFACTION_DAYS,
        "recent_average": (
            round(figures["recent_average"], 2) if figures["recent_average"] is not None else None
        ),
        "key_customers": signal.to_dict(),
    }


def _slas(project, now, health_settings) -> dict:
    from rapport.slas.models import Agreement, Obligation
    from rapport.slas.selectors import sla_breach_counts

    days = int(health_settings.slas_window_days)
    by_it, by_business = sla_breach_counts(project, since=now - timedelta(days=days), now=now)
    obligations = Obligation.objects.filter(agreement__project=project, agreement__active=True)
    return {
        "agreements": Agreement.objects.filter(project=project, active=True).count(),
        "obligations": {
            "it": obligations.filter(side="it").count(),
            "business": obligations.filter(side="business").count(),
        },
        "window_days": days,
        "breaches": {"it": by_it, "business": by_business},
    }


def _experts(project) -> dict:
    from rapport.experts.selectors import project_areas

    areas = project_areas(project)
    return {
        "areas": len(areas.areas),
        "areas_without_expert": [a.area.name for a in areas.areas if a.without_expert],
        "suggestions": [
            {
                "area": s["area"].name,
                "activity": s["activity"].name,
                "expert": s["expert"].party.name,
            }
            for s in areas.suggestions
        ],
    }


def project_relationship(project, *, now=None) -> dict:
    """Every section of the project's relationship work, as plain figures. The keys are the
    ones `rapport relationship --json` documents."""
    from rapport.status.selectors import health_config_get, health_settings_of

    now = now or timezone.now()
    health_settings, _ = health_settings_of(health_config_get(project))
    return {
        "meetings": _meetings(project, now),
        "education": _education(project),
        "lessons": _lessons(project),
        "satisfaction": _satisfaction(project, now, health_settings),
        "slas": _slas(project, now, health_settings),
        "experts": _experts(project),
        "interactions": _interactions(project),
    }


STAKEHOLDER_ROWS = 10  # the latest rows of each list on a stakeholder's relationship page


def stakeholder_relationship(project, stakeholder, *, now=None) -> dict:
    """One stakeholder's relationship with the project: their meetings and attendance,
    interactions, satisfaction, what was explained to them, the promises made to them, their
    open actions and the SLA obligations of their side (the business for a customer, else IT).
    Lists hold the latest STAKEHOLDER_ROWS; figures count everything."""
    from rapport.education.models import ExplanationAudience
    from rapport.meetings.models import Attendance, Invitee
    from rapport.meetings.selectors import open_actions_of
    from rapport.promises.models import Commitment
    from rapport.relations.models import Interaction
    from rapport.relations.selectors import contacts
    from rapport.satisfaction.selectors import stakeholder_pulses
    from rapport.slas.models import Obligation

    now = now or timezone.now()
    invitations = Invitee.objects.filter(stakeholder=stakeholder)
    attendance = invitations.filter(meeting__starts_at__lt=now).aggregate(
        held=Count("pk"),
        attended=Count("pk", filter=Q(attendance=Attendance.ATTENDED)),
        missed=Count("pk", filter=Q(attendance__in=[Attendance.APOLOGISED, Attendance.ABSENT])),
    )
    side = "business" if stakeholder.is_customer else "it"
    return {
        "stakeholder": stakeholder,
        "side": side,
        "meetings": {
            **attendance,
            "latest": list(
                invitations.select_related("meeting").order_by("-meeting__starts_at", "-pk")[
                    :STAKEHOLDER_ROWS
                ]
            ),
        },
        "interactions": {
            "count": Interaction.objects.filter(stakeholder=stakeholder).count(),
            "latest": list(
                Interaction.objects.filter(stakeholder=stakeholder)
                .select_related("team_member")
                .order_by("-date", "-pk")[:STAKEHOLDER_ROWS]
            ),
            **contacts(stakeholder),
        },
        "satisfaction": stakeholder_pulses(stakeholder),
        "education": list(
            ExplanationAudience.objects.filter(stakeholder=stakeholder)
            .select_related("explanation__topic")
            .order_by("-explanation__explained_on", "-pk")[:STAKEHOLDER_ROWS]
        ),
        "promises": list(
            Commitment.objects.filter(project=project, party_id=stakeholder.party_id).order_by(
                "promised_date", "pk"
            )[:STAKEHOLDER_ROWS]
        ),
        "open_actions": list(open_actions_of(stakeholder)[:STAKEHOLDER_ROWS]),
        "sla_obligations": list(
            Obligation.objects.filter(agreement__project=project, agreement__active=True, side=side)
            .select_related("agreement")
            .order_by("agreement__title", "pk")
        ),
    }


def stakeholder_relationship_data(relationship: dict) -> dict:
    """stakeholder_relationship() as plain JSON-ready data (ids, names, dates), for the API."""
    st = relationship["stakeholder"]
    meetings = relationship["meetings"]
    interactions = relationship["interactions"]
    satisfaction = relationship["satisfaction"]
    return {
        "stakeholder_id": st.pk,
        "party_id": st.party_id,
        "name": st.party.name,
        "side": relationship["side"],
        "meetings": {
            "held": meetings["held"],
            "attended": meetings["attended"],
            "missed": meetings["missed"],
            "latest": [
                {
                    "meeting_id": i.meeting_id,
                    "title": i.meeting.title,
                    "starts_at": i.meeting.starts_at,
                    "attendance": i.attendance,
                }
                for i in meetings["latest"]
            ],
        },
        "interactions": {
            "count": interactions["count"],
            "last_contact": interactions["last"].date if interactions["last"] else None,
            "next_contact": (interactions["next"].follow_up_due if interactions["next"] else None),
            "latest": [
                {"id": i.pk, "date": i.date, "kind": i.kind, "subject": i.subject}
                for i in interactions["latest"]
            ],
        },
        "satisfaction": {
            "trend": satisfaction["description"],
            "latest": [
                {"id": p.pk, "score": p.score, "comment": p.comment, "given_at": p.given_at}
                for p in satisfaction["pulses"]
            ],
        },
        "education": [
            {
                "topic": row.explanation.topic.name,
                "explained_on": row.explanation.explained_on,
                "understanding": row.understanding,
            }
            for row in relationship["education"]
        ],
        "promises": [
            {"id": c.pk, "what": c.what, "promised_date": c.promised_date, "status": c.status}
            for c in relationship["promises"]
        ],
        "open_actions": [
            {"id": a.pk, "text": a.text, "due": a.due} for a in relationship["open_actions"]
        ],
        "sla_obligations": [
            {"id": o.pk, "agreement": o.agreement.title, "kind": o.kind, "text": str(o)}
            for o in relationship["sla_obligations"]
        ],
    }
