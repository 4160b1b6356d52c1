"""The demo's relationship work on the CRM (issue 10): three months of it, ending this week.

- Weekly status meetings on Tuesdays. Sofia Reyes (the sponsor) comes to nearly all of them;
  Lars Becker (the business lead) comes less and less: the attendance trend and the
  `business-absent` evidence show it, with a prompt to ask him what would make him come.
- Minutes, two decisions (one rejected option each) and three actions, one overdue.
- Two education topics: how the estimate was developed (to Sofia and Arjun) and virtual against
  physical servers (to Lars).
- Five lessons: one learned on the completed data-warehouse project about estimates and applied
  here, four captured on the CRM as it goes, one with a follow-up owned by the CFO.
- Satisfaction pulses after the meetings, with Lars's dipping.
- An agreement between IT and Sales with one breach on each side.
- Two experts, areas on the hosting and migration activities, and a few interactions.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapport.education import services as education
from rapport.education.models import Topic
from rapport.experts import services as experts
from rapport.lessons import services as lessons
from rapport.lessons.models import Lesson
from rapport.meetings import services as meetings
from rapport.projects.models import Project
from rapport.raci.models import Activity
from rapport.relations import services as relations
from rapport.satisfaction import services as satisfaction
from rapport.slas import services as slas
from rapport.stakeholders.models import Party, ProjectStakeholder
from rapport.status.selectors import project_today

WEEKS = 12
# Lars's attendance, oldest first: he stops coming as the build drags on.
LARS = ["attended"] * 5 + ["apologised", "attended", "absent", "apologised", "absent"]
LARS += ["absent", "apologised"]
SOFIA = ["attended"] * 7 + ["apologised"] + ["attended"] * 4
# Satisfaction pulses after each meeting (None: no pulse that week).
LARS_PULSES = [5, 4, 5, 4, 4, None, 3, None, 3, None, 2, 2]
SOFIA_PULSES = [4, 4, None, 4, 5, None, 4, None, 4, 4, None, 4]


def _stakeholder(project, name):
    return ProjectStakeholder.objects.select_related("party").get(project=project, party__name=name)


def _activity(project, name):
    return Activity.objects.get(project=project, name=name)


def _status_meetings(ws, people, today):
    pm, project = ws.users["pm"], ws.project
    zone = ZoneInfo(project.time_zone)
    sofia, lars, mei = people["sofia"], people["lars"], people["mei"]
    last_tuesday = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    held = []
    for week in range(WEEKS):
        day = last_tuesday - timedelta(weeks=WEEKS - 1 - week)
        meeting = meetings.meeting_schedule(
            actor=pm,
            project=project,
            title=f"Weekly status {day:%-d %b}",
            starts_at=datetime.combine(day, time(10, 0), zone),
            duration_minutes=45,
            location="Room 4.12 and video call",
            agenda="1. Progress and evidence\n2. Decisions needed\n3. Risks\n4. Actions",
        )
        meetings.meeting_invitees_set(
            actor=pm,
            meeting=meeting,
            stakeholders=[sofia, lars, mei],
            business={sofia.pk, lars.pk},
        )
        marks = {sofia: SOFIA[week], lars: LARS[week], mei: "attended"}
        invitees = {i.stakeholder_id: i for i in meeting.invitees.all()}
        meetings.attendance_record(
            actor=pm,
            meeting=meeting,
            attendance={invitees[s.pk].pk: mark for s, mark in marks.items()},
        )
        held.append(meeting)
    meetings.minutes_record(
        actor=pm,
        meeting=held[3],
        minutes="Vendor chosen (ContactBase). Sofia asked for the go-live date in writing; Priya "
        "explained the estimate's range instead of one date.",
    )
    meetings.minutes_record(
        actor=pm,
        meeting=held[-1],
        minutes="Hosting still open: IT and finance disagree. Lars absent again; the screens he "
        "must approve wait for him.",
    )
    upcoming = last_tuesday + timedelta(weeks=1)
    nxt = meetings.meeting_schedule(
        actor=pm,
        project=project,
        title=f"Weekly status {upcoming:%-d %b}",
        starts_at=datetime.combine(upcoming, time(10, 0), zone),
        duration_minutes=45,
        location="Room 4.12 and video call",
        agenda="1. Progress and evidence\n2. Hosting decision\n3. Pilot planning",
    )
    meetings.meeting_invitees_set(
        actor=pm, meeting=nxt, stakeholders=[sofia, lars, mei], business={sofia.pk, lars.pk}
    )
    return held


def _decisions_and_actions(ws, people, held, today):
    pm, project = ws.users["pm"], ws.project
    meetings.decision_record(
        actor=pm,
        project=project,
        text="ContactBase is the CRM vendor",
        decided_on=held[3].starts_at.date(),
        decided_by_stakeholder=people["sofia"],
        why="Best fit for order history integration; the sales team liked its mobile app.",
        rejected_options="SalesPilot (no support-ticket integration); building our own",
        meeting=held[3],
        activity=_activity(project, "Choose the CRM vendor"),
    )
    meetings.decision_record(
        actor=pm,
        project=project,
        text="Migrate only customers active in the last three years",
        decided_on=held[-2].starts_at.date(),
        decided_by_stakeholder=people["lars"],
        why="Older records are mostly duplicates; the legacy database stays readable for a year.",
        rejected_options="Migrate everything and clean up later",
        meeting=held[-2],
        activity=_activity(project, "Migrate the legacy contacts"),
    )
    meetings.action_create(
        actor=pm,
        project=project,
        meeting=held[-2],
        text="Confirm the five sales reps for the pilot",
        owner_stakeholder=people["lars"],
        due=today - timedelta(days=3),
    )
    meetings.action_create(
        actor=pm,
        project=project,
        meeting=held[-1],
        text="Send the hosting cost comparison to finance",
        owner_stakeholder=people["mei"],
        due=today + timedelta(days=4),
    )
    meetings.action_create(
        actor=pm,
        project=project,
        meeting=held[-1],
        text="Book the training rooms for the pilot",
        owner_user=ws.users["analyst"],
        due=today + timedelta(days=10),
    )


def _education(ws, people, held):
    pm, project = ws.users["pm"], ws.project
    education.topics_seed(org=ws.org)
    topics = {t.name: t for t in Topic.objects.filter(org=ws.org)}
    estimate = next(t for t in topics.values() if t.on_target_missed)
    education.explanation_record(
        actor=pm,
        project=project,
        topic=estimate,
        audience={people["sofia"]: "understood", people["arjun"]: "partly"},
        explained_on=held[3].starts_at.date(),
        meeting=held[3],
        notes="Walked through the three-point estimates and why the contingency is its own line.",
    )
    education.explanation_record(
        actor=pm,
        project=project,
        topic=topics["Virtual vs physical servers"],
        audience={people["lars"]: "partly"},
        explained_on=held[8].starts_at.date(),
        meeting=held[8],
        notes="Why the hosting decision matters for the pilot date.",
    )


def _lessons(ws, people, today):
    pm, project = ws.users["pm"], ws.project
    warehouse = Project.objects.get(org=ws.org, code="DWH")
    earlier = lessons.lesson_capture(
        actor=pm,
        project=warehouse,
        title="Estimate data migration from a sample of real records",
        what_happened="The migration estimate came from the data model alone and was 60% short: "
        "real records held duplicates and free-text fields nobody had counted.",
        recommendation="Before estimating a migration, profile a sample of a few thousand real "
        "records and estimate the clean-up on its own line.",
        category="estimating",
        impact="high",
        tags="estimates, data migration, contingency",
        captured_on=warehouse.start_date + timedelta(days=120),
    )
    lessons.lesson_apply(
        actor=pm,
        lesson=earlier,
        project=project,
        applied_on=project.start_date + timedelta(days=20),
        note="Profiled 5,000 legacy contacts before estimating 'Migrate the legacy contacts'.",
    )
    captured = [
        (
            "Send the business lead a weekly summary, not a daily detailed report",
            "Lars stopped reading the daily detailed report within two weeks.",
            "Agree each report's cadence with its reader at the start; ask again after a month.",
            "communication",
            "medium",
            "reports, cadence",
        ),
        (
            "Put the hosting decision on the plan with a date",
            "Hosting was 'to be decided' for two months and blocked the build.",
            "Every decision the plan depends on gets an owner and a decide-by date in the RACI.",
            "process",
            "high",
            "decisions, hosting",
        ),
        (
            "Ask the vendor for a sandbox before the contract",
            "ContactBase's sandbox came three weeks after signing.",
            "Make a working sandbox a condition of the contract.",
            "vendor",
            "medium",
            "vendor, contract",
        ),
        (
            "Let the sales reps try the screens early",
            "The reps' feedback on the first screens changed the account view completely.",
            "Show real users working screens in the first month of the build.",
            "requirements",
            "medium",
            "users, screens",
        ),
    ]
    made = []
    for days, (title, what, recommendation, category, impact, tags) in enumerate(captured):
        made.append(
            lessons.lesson_capture(
                actor=pm,
                project=project,
                title=title,
                what_happened=what,
                recommendation=recommendation,
                category=category,
                impact=impact,
                tags=tags,
                captured_on=today - timedelta(days=60 - 14 * days),
            )
        )
    lessons.lesson_contributor_add(
        actor=pm, lesson=made[0], side="business", party=people["lars"].party
    )
    lessons.lesson_contributor_add(actor=pm, lesson=made[1], side="it", party=people["mei"].party)
    lessons.lesson_contributor_add(
        actor=pm, lesson=made[1], side="business", party=people["sofia"].party
    )
    lessons.lesson_follow_up_create(
        actor=pm,
        lesson=made[1],
        action="Add a decide-by date to every decision the portfolio's plans depend on",
        owner_party=people["arjun"].party,
        due_on=today + timedelta(days=30),
    )
    return Lesson.objects.filter(project=project).count()


def _satisfaction(ws, people, held):
    pm, project = ws.users["pm"], ws.project
    for stakeholder, scores in ((people["lars"], LARS_PULSES), (people["sofia"], SOFIA_PULSES)):
        for meeting, score in zip(held, scores, strict=True):
            if score is None:
                continue
            satisfaction.pulse_record(
                actor=pm,
                project=project,
                stakeholder=stakeholder,
                score=score,
                comment="Too long, and I could not see what changed."
                if stakeholder is people["lars"] and score <= 2
                else "",
                given_at=meeting.starts_at + timedelta(days=1),
                about=meeting,
            )


def _agreement(ws, people, today):
    pm, project = ws.users["pm"], ws.project
    agreement = slas.agreement_create(
        actor=pm,
        project=project,
        title="IT and Sales working agreement",
        agreed_on=project.start_date,
        notes="Agreed at the kick-off by Sofia Reyes and Mei Tanaka.",
    )
    it_answers = slas.obligation_add(
        actor=pm,
        agreement=agreement,
        side="it",
        kind="question-response",
        target=48,
    )
    business_sign_off = slas.obligation_add(
        actor=pm,
        agreement=agreement,
        side="business",
        kind="sign-off",
        target=5,
    )
    slas.breach_record(
        actor=pm,
        obligation=it_answers,
        occurred_on=today - timedelta(days=20),
        what="Lars's question about the export format was answered after four days.",
    )
    slas.breach_record(
        actor=pm,
        obligation=business_sign_off,
        occurred_on=today - timedelta(days=9),
        what="The customer screens waited twelve days for Lars's sign-off.",
    )


def _experts(ws, people):
    pm, project = ws.users["pm"], ws.project
    dba = Party.objects.filter(org=ws.org, name="Dana Whitfield").first()
    if dba is None:
        from rapport.stakeholders.services import party_create

        dba = party_create(
            actor=pm,
            org=ws.org,
            name="Dana Whitfield",
            title="Database administrator",
            email="dana@northwind.example",
        )
    mei = experts.expert_create(
        actor=pm,
        org=ws.org,
        party=people["mei"].party,
        areas=[],
        new_areas=["Hosting", "Security"],
        availability="limited",
        availability_note="Half a day a week until the data-centre move is done",
        notes="Ran the data-centre consolidation; knows the firewall rules by heart.",
    )
    dana = experts.expert_create(
        actor=pm,
        org=ws.org,
        party=dba,
        areas=[],
        new_areas=["Data migration", "Relational databases"],
        notes="Migrated the order database in 2024.",
        helped_projects=[Project.objects.get(org=ws.org, code="DWH")],
    )
    areas = {a.name: a for e in (mei, dana) for a in e.areas.all()}
    experts.activity_areas_set(
        actor=pm,
        activity=_activity(project, "Hosting decision"),
        areas=[areas["Hosting"], areas["Security"]],
    )
    experts.activity_areas_set(
        actor=pm,
        activity=_activity(project, "Migrate the legacy contacts"),
        areas=[areas["Data migration"]],
    )


def _interactions(ws, people, today):
    pm, project = ws.users["pm"], ws.project
    for stakeholder, kind, days, subject, follow_up in [
        (people["lars"], "call", 40, "Which reports the sales team really reads", ""),
        (people["sofia"], "visit", 25, "Go-live date and the estimate's range", ""),
        (people["lars"], "email", 10, "Why the status meetings feel long", "Shorter agenda"),
        (people["arjun"], "call", 6, "Hosting costs", "Send the cost comparison"),
    ]:
        relations.interaction_record(
            actor=pm,
            project=project,
            stakeholder=stakeholder,
            kind=kind,
            date=today - timedelta(days=days),
            team_member=pm,
            subject=subject,
            follow_up=follow_up,
            follow_up_due=today + timedelta(days=3) if follow_up else None,
        )


def relationship_step(ws) -> None:
    project = ws.project
    today = project_today(project)
    people = {
        key: _stakeholder(project, name)
        for key, name in [
            ("sofia", "Sofia Reyes"),
            ("lars", "Lars Becker"),
            ("mei", "Mei Tanaka"),
            ("arjun", "Arjun Mehta"),
        ]
    }
    held = _status_meetings(ws, people, today)
    _decisions_and_actions(ws, people, held, today)
    _education(ws, people, held)
    _lessons(ws, people, today)
    _satisfaction(ws, people, held)
    _agreement(ws, people, today)
    _experts(ws, people)
    _interactions(ws, people, today)
