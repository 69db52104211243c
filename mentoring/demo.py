"""Demo data: pairs in each state with goals, meetings, messages and feedback, and development plans.

Idempotent: pairs are keyed on (mentor, mentee), plans on (teacher, topic), goals on titles, meetings on
dates, so running seed_demo again adds nothing. Some young teachers are left without a mentor so that
the matching page has work to show.
"""

import datetime as dt

from django.utils import timezone

from courses.models import Competency, Course

from .models import (
    MENTOR_MIN_EXPERIENCE,
    DevelopmentPlan,
    Feedback,
    GoalState,
    Meeting,
    MeetingKind,
    MentoringPair,
    Message,
    PairGoal,
    PairState,
    PlanGoal,
    PresentationKind,
)
from .services import render_message

STATES = [PairState.ACTIVE, PairState.ACTIVE, PairState.PROPOSED, PairState.COMPLETED, PairState.STOPPED,
          PairState.ACTIVE]
GOALS = [
    "Plan a lesson with differentiated tasks for three levels",
    "Use formative assessment in every lesson for a month",
    "Run an open lesson for colleagues",
]
MEETINGS = [
    (MeetingKind.LESSON_OBSERVATION, "Observed a 7th grade lesson; pace too fast in the second half.",
     "Split the practice into two blocks with a check in between."),
    (MeetingKind.CONSULTATION, "Discussed working with parents of a struggling pupil.", "Prepare a short note for the parents' meeting."),
    (MeetingKind.CO_PLANNING, "Planned the next topic together with assessment criteria.", "Try the exit-ticket technique."),
    (MeetingKind.OPEN_LESSON, "The mentee attended the mentor's open lesson.", "Write down three techniques to reuse."),
]
PLAN_TOPICS = [
    ("Formative assessment in the middle school", PresentationKind.OPEN_LESSON),
    ("Digital tools for project work", PresentationKind.COUNCIL_TALK),
    ("Inclusive practices in a mixed-ability class", PresentationKind.LIBRARY_PUBLICATION),
]


def _pick_mentor(mentee, mentors, load):
    same_school = [m for m in mentors if m.school_id == mentee.school_id and load.get(m.pk, 0) < 2]
    pool = same_school or [m for m in mentors if load.get(m.pk, 0) < 2]
    return pool[0] if pool else None


def seed(people: dict) -> None:
    today = timezone.localdate()
    teachers = people["teachers"]
    young = [t for t in teachers if t.is_young_teacher]
    mentors = sorted(
        (t for t in teachers if (t.years_of_experience or 0) >= MENTOR_MIN_EXPERIENCE),
        key=lambda t: -(t.years_of_experience or 0),
    )
    admins = {a.school_id: a for a in people["school_admins"]}
    competencies = list(Competency.objects.order_by("code")[:6])
    courses = list(Course.objects.filter(status=Course.Status.PUBLISHED).order_by("pk")[:3])

    load: dict[int, int] = {}
    for pair in MentoringPair.objects.filter(state__in=[PairState.PROPOSED, PairState.ACTIVE]):
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1

    # Leave the last few young teachers unmatched for the matching page.
    for index, mentee in enumerate(young[: max(len(young) - 4, 0)]):
        existing = MentoringPair.objects.filter(mentee=mentee).first()
        if existing is not None:
            continue
        mentor = _pick_mentor(mentee, mentors, load)
        if mentor is None:
            break
        state = STATES[index % len(STATES)]
        start = today - dt.timedelta(weeks=10 + index)
        accepted = timezone.now() - dt.timedelta(weeks=10 + index)
        pair = MentoringPair.objects.create(
            mentor=mentor,
            mentee=mentee,
            state=state,
            start_date=None if state == PairState.PROPOSED else start,
            end_date=start + dt.timedelta(days=365) if state != PairState.PROPOSED else None,
            feedback_every_weeks=4,
            mentor_accepted_at=None if state == PairState.PROPOSED else accepted,
            mentee_accepted_at=None if state == PairState.PROPOSED else accepted,
            stop_reason="The mentee moved to another school." if state == PairState.STOPPED else "",
            created_by=admins.get(mentee.school_id),
            ended_at=timezone.now() if state in (PairState.COMPLETED, PairState.STOPPED) else None,
        )
        if state in (PairState.PROPOSED, PairState.ACTIVE):
            load[mentor.pk] = load.get(mentor.pk, 0) + 1
        if competencies:
            pair.focus_competencies.set(competencies[index % len(competencies):][:2] or competencies[:1])
        if state == PairState.PROPOSED:
            continue
        for g, title in enumerate(GOALS if competencies else []):
            done = g == 0 or state == PairState.COMPLETED
            PairGoal.objects.create(
                pair=pair, competency=competencies[(index + g) % len(competencies)], title=title,
                due_date=start + dt.timedelta(weeks=6 * (g + 1)),
                state=GoalState.DONE if done else (GoalState.IN_PROGRESS if g == 1 else GoalState.PLANNED),
                completed_at=timezone.now() - dt.timedelta(weeks=2) if done else None,
            )
        Meeting.objects.bulk_create(
            Meeting(pair=pair, date=start + dt.timedelta(weeks=2 * (m + 1)), kind=kind, notes=notes,
                    next_steps=steps, logged_by=mentor)
            for m, (kind, notes, steps) in enumerate(MEETINGS)
        )
        for author, body in [
            (mentee, "Could you look at my plan for Thursday's lesson? I am not sure about the **timing**."),
            (mentor, "Of course. Shorten the warm-up to 5 minutes and keep 10 for the exit ticket."),
        ]:
            Message.objects.create(pair=pair, author=author, body=body, body_html=render_message(body))
        if state == PairState.ACTIVE:
            Feedback.objects.create(pair=pair, period=1, availability=5, usefulness=4, advice=4 + index % 2,
                                    confidence=3 + index % 3, comment="The lesson observations help the most.")

    for index, teacher in enumerate(t for t in teachers if not t.is_young_teacher):
        if index >= len(PLAN_TOPICS):
            break
        topic, presentation = PLAN_TOPICS[index]
        plan, created = DevelopmentPlan.objects.get_or_create(
            teacher=teacher,
            topic=topic,
            defaults={
                "competency": competencies[index] if len(competencies) > index else None,
                "period_start": dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1),
                "period_end": dt.date(today.year + 2 if today.month >= 9 else today.year + 1, 6, 30),
                "presentation_kind": presentation,
                "presentation_details": "At the school's methodological council in spring",
            },
        )
        if not created:
            continue
        for g, title in enumerate(["Complete an in-service course on the topic", "Try the methods in two classes",
                                   "Share the results with colleagues"]):
            PlanGoal.objects.create(
                plan=plan, title=title, due_date=plan.period_start + dt.timedelta(days=120 * (g + 1)),
                course=courses[g % len(courses)] if courses and g == 0 else None,
                event_link="Round table of the municipal methodological association" if g == 2 else "",
                state=GoalState.DONE if g == 0 else GoalState.PLANNED,
                completed_at=timezone.now() if g == 0 else None,
            )
