"""Demo data: pairs in each state with goals, meetings, messages and feedback, and development plans.

Idempotent: pairs are keyed on the mentee, plans on the teacher; goals, meetings, messages and feedback
are made only with a new pair, so running seed_demo again adds nothing. The texts are Russian, the language
of the demo schools. Some young teachers are left without a mentor so that the matching page has work to show.
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
    MentorProfile,
    Message,
    PairGoal,
    PairState,
    PlanGoal,
    PresentationKind,
)
from .selectors import mentor_suggestions
from .services import render_message

STATES = [
    PairState.ACTIVE,
    PairState.ACTIVE,
    PairState.PROPOSED,
    PairState.COMPLETED,
    PairState.STOPPED,
    PairState.ACTIVE,
]
GOALS = [
    "Спланировать урок с разноуровневыми заданиями для трёх групп",
    "В течение месяца применять формирующее оценивание на каждом уроке",
    "Провести открытый урок для коллег",
]
MEETINGS = [
    (
        MeetingKind.LESSON_OBSERVATION,
        "Посетила урок в 7 классе: во второй половине темп слишком высокий.",
        "Разделить практику на два блока с проверкой понимания между ними.",
    ),
    (
        MeetingKind.CONSULTATION,
        "Обсудили работу с родителями ученика, который отстаёт.",
        "Подготовить короткую памятку к родительскому собранию.",
    ),
    (
        MeetingKind.CO_PLANNING,
        "Вместе спланировали следующую тему и критерии оценивания.",
        "Попробовать приём «билет на выход».",
    ),
    (
        MeetingKind.OPEN_LESSON,
        "Молодой педагог посетил открытый урок наставника.",
        "Записать три приёма, которые можно взять в свою работу.",
    ),
]
HELP_WITH = [
    "Подготовка к открытому уроку и его самоанализ, формирующее оценивание.",
    "Дисциплина в классе, работа с родителями, классное руководство в 5–6 классах.",
    "Разноуровневые задания и подготовка к ОГЭ по своему предмету.",
    "Проектная деятельность и цифровые инструменты на уроке.",
]
SCHEDULE_CLASH = "Не совпали расписания: у наставника вторая смена, у молодого педагога — первая."
PLAN_TOPICS = [
    ("Формирующее оценивание в основной школе", PresentationKind.OPEN_LESSON),
    ("Цифровые инструменты в проектной деятельности", PresentationKind.COUNCIL_TALK),
    ("Инклюзивные практики в разноуровневом классе", PresentationKind.LIBRARY_PUBLICATION),
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
            stop_reason="Молодой педагог перешёл в другую школу." if state == PairState.STOPPED else "",
            created_by=admins.get(mentee.school_id),
            ended_at=timezone.now() if state in (PairState.COMPLETED, PairState.STOPPED) else None,
        )
        if state in (PairState.PROPOSED, PairState.ACTIVE):
            load[mentor.pk] = load.get(mentor.pk, 0) + 1
        if competencies:
            pair.focus_competencies.set(competencies[index % len(competencies) :][:2] or competencies[:1])
        if state == PairState.PROPOSED:
            continue
        for g, title in enumerate(GOALS if competencies else []):
            done = g == 0 or state == PairState.COMPLETED
            PairGoal.objects.create(
                pair=pair,
                competency=competencies[(index + g) % len(competencies)],
                title=title,
                due_date=start + dt.timedelta(weeks=6 * (g + 1)),
                state=GoalState.DONE if done else (GoalState.IN_PROGRESS if g == 1 else GoalState.PLANNED),
                completed_at=timezone.now() - dt.timedelta(weeks=2) if done else None,
            )
        Meeting.objects.bulk_create(
            Meeting(
                pair=pair,
                date=start + dt.timedelta(weeks=2 * (m + 1)),
                kind=kind,
                notes=notes,
                next_steps=steps,
                logged_by=mentor,
            )
            for m, (kind, notes, steps) in enumerate(MEETINGS)
        )
        for author, body in [
            (mentee, "Посмотрите, пожалуйста, мой план урока на четверг? Не уверена в **хронометраже**."),
            (mentor, "Конечно. Сократите разминку до 5 минут, а 10 минут оставьте на «билет на выход»."),
        ]:
            Message.objects.create(pair=pair, author=author, body=body, body_html=render_message(body))
        if state == PairState.ACTIVE:
            Feedback.objects.create(
                pair=pair,
                period=1,
                availability=5,
                usefulness=4,
                advice=4 + index % 2,
                confidence=3 + index % 3,
                comment="Больше всего помогают посещения уроков и их разбор.",
            )

    _seed_mentor_profiles(mentors, load)
    _seed_stopped_pair(young, admins)

    for index, teacher in enumerate(t for t in teachers if not t.is_young_teacher):
        if index >= len(PLAN_TOPICS):
            break
        topic, presentation = PLAN_TOPICS[index]
        # Keyed on the teacher, not the topic: a teacher has one active plan, and a reworded topic must not
        # make a second one on a database seeded before.
        plan, created = DevelopmentPlan.objects.get_or_create(
            teacher=teacher,
            defaults={
                "topic": topic,
                "competency": competencies[index] if len(competencies) > index else None,
                "period_start": dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1),
                "period_end": dt.date(today.year + 2 if today.month >= 9 else today.year + 1, 6, 30),
                "presentation_kind": presentation,
                "presentation_details": "На заседании методического совета школы весной",
            },
        )
        if not created:
            continue
        for g, title in enumerate(
            [
                "Пройти курс повышения квалификации по теме",
                "Апробировать методы в двух классах",
                "Представить результаты коллегам",
            ]
        ):
            PlanGoal.objects.create(
                plan=plan,
                title=title,
                due_date=plan.period_start + dt.timedelta(days=120 * (g + 1)),
                course=courses[g % len(courses)] if courses and g == 0 else None,
                event_link="Круглый стол муниципального методического объединения" if g == 2 else "",
                state=GoalState.DONE if g == 0 else GoalState.PLANNED,
                completed_at=timezone.now() if g == 0 else None,
            )


def _seed_mentor_profiles(mentors, load) -> None:
    """Mentors opt in with a "what I can help with"; the last one is not willing; the busiest is at capacity."""
    if not mentors:
        return
    busiest = max(mentors, key=lambda m: load.get(m.pk, 0))
    for index, mentor in enumerate(mentors):
        if MentorProfile.objects.filter(user=mentor).exists():
            continue
        at_capacity = mentor.pk == busiest.pk and load.get(mentor.pk, 0) > 0
        unwilling = index == len(mentors) - 1 and not at_capacity and len(mentors) > 2
        profile = MentorProfile.objects.create(
            user=mentor,
            willing=not unwilling,
            capacity=min(load.get(mentor.pk, 0), 10) if at_capacity else 2 + index % 2,
            can_help_with="" if unwilling else HELP_WITH[index % len(HELP_WITH)],
        )
        if not unwilling:
            profile.subjects.set(mentor.subjects.all())
            profile.levels.set(mentor.school_levels.all())


def _seed_stopped_pair(young, admins) -> None:
    """A young teacher still without a mentor whose first pair was stopped: the matching page leaves that
    mentor out (until "include former mentors" is ticked)."""
    unmatched = [t for t in young if not MentoringPair.objects.filter(mentee=t).exists()]
    if not unmatched or MentoringPair.objects.filter(stop_reason=SCHEDULE_CLASH).exists():
        return
    mentee = unmatched[-1]
    mentor = mentor_suggestions(mentee=mentee).first()
    if mentor is None:
        return
    started = timezone.now() - dt.timedelta(weeks=8)
    MentoringPair.objects.create(
        mentor=mentor,
        mentee=mentee,
        state=PairState.STOPPED,
        start_date=started.date(),
        mentor_accepted_at=started,
        mentee_accepted_at=started,
        stop_reason=SCHEDULE_CLASH,
        created_by=admins.get(mentee.school_id),
        ended_at=timezone.now() - dt.timedelta(weeks=2),
    )
