"""Demo data: a deficit diagnostic (20 questions over 8 competencies) in two rounds, a course-feedback
<<<<<<< HEAD
survey with the ten aspects teachers and methodologists care about in two sections, answered in up to three
cohorts (compare them on the results page; the sessions' timing comes out vulnerable), a municipality's
anonymous survey read by school, a school administrator's own survey, and responses to all of them
(idempotent).

One file: every demo survey is built on the same people, labels and random source, in one order that
seed_demo replays (a survey's answers depend on the teachers the ones before it left waiting).
=======
survey with the ten aspects teachers and methodologists care about, and responses to both; a general
survey for all teachers with its own reminder steps and some teachers still to answer (idempotent).

One file: seed_demo calls one `seed` per app; the surveys build on each other (the second diagnostic round is a
copy of the first, the responses share one random generator and the same demo teachers).
>>>>>>> svfollow
"""

import random
from datetime import timedelta

from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from courses.models import Competency, CompetencyArea, Course

from . import services
from .models import (
    Choice,
    CompetencyScore,
    CourseRecommendationRule,
    Participation,
    Question,
    ReminderStep,
    Response,
    Section,
    Survey,
)

DIAGNOSTIC_TITLE = "Диагностика профессиональных дефицитов педагога"
FEEDBACK_TITLE = "Отзыв о курсе повышения квалификации"
AREA_TITLE = "Качество повышения квалификации в школах округа"
AREA_ASPECTS = [
    "Курсы отвечают моим профессиональным потребностям",
    "Знания с курсов применимы на моих уроках",
    "Школа даёт время на обучение без ущерба для нагрузки",
    "После курса я получаю поддержку коллег и наставника",
    "Меня информируют о доступных программах вовремя",
    "Курсы не формальны: работу проверяют с содержательными комментариями",
]

# Used when courses/demo.py has not loaded the framework: the same codes, a minimal set.
FALLBACK_COMPETENCIES = [
    ("DIG", "Цифровая и ИКТ-компетентность", "DIG.1", "Цифровые образовательные ресурсы"),
    ("DIG", "Цифровая и ИКТ-компетентность", "DIG.2", "Дистанционное и смешанное обучение"),
    (
        "DIG",
        "Цифровая и ИКТ-компетентность",
        "DIG.4",
        "Искусственный интеллект в работе учителя: инструменты и этика",
    ),
    ("ASM", "Оценивание образовательных результатов", "ASM.1", "Формирующее оценивание"),
    ("ASM", "Оценивание образовательных результатов", "ASM.3", "Функциональная грамотность"),
    ("INC", "Инклюзивное образование", "INC.1", "Адаптация образовательной программы"),
    ("STD", "Обновлённые ФГОС и предметная методика", "STD.2", "Проектная и исследовательская деятельность"),
    ("SLF", "Профессиональное саморазвитие", "SLF.1", "Профилактика профессионального выгорания"),
]

SELF_LABELS = ["Не умею", "Скорее не умею", "Частично", "Скорее умею", "Уверенно умею"]
AGREE_LABELS = [
    "Совсем не согласен",
    "Скорее не согласен",
    "Отчасти",
    "Скорее согласен",
    "Полностью согласен",
]
SATISFACTION_LABELS = ["Очень плохо", "Плохо", "Удовлетворительно", "Хорошо", "Отлично"]

# (section, [(competency code, kind, text, choices with points)])
DIAGNOSTIC = [
    (
        "Цифровая среда",
        [
            (
                "DIG.1",
                "likert",
                "Я нахожу и адаптирую цифровые ресурсы к своим урокам с учётом авторского права.",
                None,
            ),
            ("DIG.1", "likert", "Я создаю собственные интерактивные задания в онлайн-конструкторах.", None),
            ("DIG.2", "likert", "Я могу провести дистанционный урок так, чтобы работал весь класс.", None),
            (
                "DIG.2",
                "single",
                "Ученик не сдал онлайн-задание к сроку. Что вы делаете в первую очередь?",
                [
                    ("Ставлю двойку автоматически", 0),
                    ("Пишу ему комментарий и продлеваю срок", 100),
                    ("Жду, пока сдаст сам", 25),
                ],
            ),
            (
                "DIG.4",
                "likert",
                "Я использую генеративный ИИ для подготовки материалов и проверяю результат.",
                None,
            ),
            ("DIG.4", "likert", "Я могу объяснить ученикам ограничения и риски нейросетей.", None),
        ],
    ),
    (
        "Оценивание",
        [
            ("ASM.1", "likert", "Я регулярно использую техники формирующего оценивания на уроке.", None),
            ("ASM.1", "likert", "По результатам проверки я меняю план следующего урока.", None),
            (
                "ASM.1",
                "single",
                "Как чаще всего вы узнаёте, понял ли класс новую тему?",
                [
                    ("По итоговой контрольной", 20),
                    ("По быстрой проверке в конце урока (выходной билет)", 100),
                    ("Спрашиваю «всем понятно?»", 0),
                ],
            ),
            (
                "ASM.3",
                "likert",
                "Я составляю задания на функциональную грамотность по своему предмету.",
                None,
            ),
            ("ASM.3", "likert", "Я умею оценивать задания на читательскую грамотность по критериям.", None),
        ],
    ),
    (
        "Инклюзия и проекты",
        [
            ("INC.1", "likert", "Я адаптирую задания и темп для ребёнка с ОВЗ по рекомендациям ПМПК.", None),
            ("INC.1", "likert", "Я знаю, к кому обратиться за помощью в работе с ребёнком с ОВЗ.", None),
            (
                "INC.1",
                "multiple",
                "Какие приёмы адаптации вы уже применяете?",
                [
                    ("Дробление задания на шаги", 35),
                    ("Визуальные опоры", 35),
                    ("Дополнительное время", 30),
                    ("Пока не применяю", 0),
                ],
            ),
            ("STD.2", "likert", "Я руковожу ученическими проектами от замысла до защиты.", None),
            ("STD.2", "likert", "Я умею оценить проект по понятным ученику критериям.", None),
            (
                "STD.2",
                "number",
                "Сколько ученических проектов вы сопровождали за последний год? (0–10)",
                (0, 10),
            ),
        ],
    ),
    (
        "Саморазвитие",
        [
            ("SLF.1", "likert", "Я замечаю у себя признаки усталости и знаю, как с ними справиться.", None),
            ("SLF.1", "likert", "Я умею планировать нагрузку так, чтобы оставалось время на отдых.", None),
            ("", "text", "Какая тема для вас сейчас самая важная? (необязательно)", None),
        ],
    ),
]

FEEDBACK_ASPECTS = [
    "Содержание программы и учебные материалы",
    "Практическая направленность",
    "Методы и формы обучения",
    "Общение со слушателями (кураторы, преподаватели)",
    "Техническое обеспечение (платформа, связь)",
    "Время и продолжительность занятий",
    "Канал информирования о курсе и занятиях",
    "Размер группы",
    "Итоговая аттестация",
    "Обратная связь в обе стороны (вас слышали, вам отвечали)",
]


def _competencies() -> dict[str, Competency]:
    found = {c.code: c for c in Competency.objects.filter(code__in=[c[2] for c in FALLBACK_COMPETENCIES])}
    for position, (area_code, area_name, code, name) in enumerate(FALLBACK_COMPETENCIES):
        if code not in found:
            area, _ = CompetencyArea.objects.get_or_create(
                code=area_code, defaults={"name": area_name, "position": position}
            )
            found[code], _ = Competency.objects.get_or_create(
                code=code, defaults={"area": area, "name": name}
            )
    return found


def _build_diagnostic(title: str, author, competencies) -> Survey:
    survey = Survey.objects.create(
        title=title,
        kind=Survey.Kind.DIAGNOSTIC,
        is_published=True,
        deficit_threshold=60,
        description="20 вопросов, около 10 минут. По ответам вы увидите свой профиль компетенций и курсы, "
        "которые закрывают дефициты.",
        what_next="Ваш профиль готов сразу. Повторите диагностику после обучения, чтобы увидеть рост.",
    )
    if author:
        survey.authors.add(author)
    for s_pos, (section_title, questions) in enumerate(DIAGNOSTIC, start=1):
        section = Section.objects.create(survey=survey, title=section_title, position=s_pos)
        for q_pos, (code, kind, text, extra) in enumerate(questions, start=1):
            labels = dict(
                zip(["label_1", "label_2", "label_3", "label_4", "label_5"], SELF_LABELS, strict=True)
            )
            question = Question.objects.create(
                section=section,
                kind=kind,
                text=text,
                position=q_pos,
                competency=competencies.get(code),
                is_required=kind != "text",
                min_value=extra[0] if kind == "number" else None,
                max_value=extra[1] if kind == "number" else None,
                **(labels if kind == "likert" else {}),
            )
            if kind in ("single", "multiple"):
                Choice.objects.bulk_create(
                    Choice(question=question, text=c_text, points=points, position=i)
                    for i, (c_text, points) in enumerate(extra)
                )
    return survey


def _diagnostic_answers(survey: Survey, rng: random.Random, bias: dict[str, int], lift: int = 0) -> dict:
    answers = {}
    for question in survey.questions.select_related("competency").prefetch_related("choices"):
        code = question.competency.code if question.competency else ""
        base = bias.get(code, 3) + lift
        if question.kind == "likert":
            answers[question.pk] = max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
        elif question.kind == "single":
            choices = sorted(question.choices.all(), key=lambda c: c.points)
            answers[question.pk] = (
                choices[-1] if base + rng.choice([-1, 0, 1]) >= 4 else rng.choice(choices)
            ).pk
        elif question.kind == "multiple":
            real = [c.pk for c in question.choices.all() if c.points]
            answers[question.pk] = rng.sample(real, k=max(1, min(len(real), base - 1)))
        elif question.kind == "number":
            answers[question.pk] = max(0, min(10, base * 2 + rng.choice([-2, 0, 1])))
        elif rng.random() < 0.3:
            answers[question.pk] = rng.choice(
                ["Функциональная грамотность", "Работа с ИИ", "Инклюзия", "Профилактика выгорания"]
            )
    return answers


def _feedback_cohorts(teachers) -> list[Cohort]:
    """Cohorts with at least six listeners; if cohorts/demo.py made none, one finished demo cohort."""
    cohorts = [
        c
        for c in Cohort.objects.order_by("starts_on", "id")[:20]
        if c.enrollments.filter(state__in=Enrollment.SEAT_STATES).count() >= 6
    ][:3]
    if cohorts:
        return cohorts
    course = Course.objects.filter(status=Course.Status.PUBLISHED).order_by("id").first()
    if course is None:
        return []
    today = timezone.localdate()
    now = timezone.now()
    cohort, _ = Cohort.objects.get_or_create(
        course=course,
        title=f"{course.title} — демо-поток для отзывов",
        defaults={
            "starts_on": today - timedelta(days=60),
            "ends_on": today - timedelta(days=5),
            "enrollment_opens_at": now - timedelta(days=90),
            "enrollment_closes_at": now - timedelta(days=61),
            "status": Cohort.Status.FINISHED,
            "capacity": 30,
        },
    )
    for teacher in teachers[20:34]:
        Enrollment.objects.get_or_create(
            teacher=teacher,
            cohort=cohort,
            defaults={
                "state": Enrollment.State.COMPLETED,
                "enrolled_at": now - timedelta(days=60),
                "completed_at": now,
            },
        )
    return [cohort]


def seed(people: dict) -> None:
    rng = random.Random(4)
    competencies = _competencies()
    author = (people.get("methodologists") or [None])[0]
    teachers = people.get("teachers") or []
    now = timezone.now()

    # --- the diagnostic, two rounds: autumn (closed) and now (open) ----------------------------------
    first = Survey.objects.filter(title=DIAGNOSTIC_TITLE, version=1).first()
    if first is None:
        first = _build_diagnostic(DIAGNOSTIC_TITLE, author, competencies)
        first.opens_at = now - timedelta(days=120)
        first.save()
    second = Survey.objects.filter(title=DIAGNOSTIC_TITLE, version=2).first()
    if second is None:
        second = services.survey_copy_as_new_version(survey=first)
        second.is_published = True
        second.opens_at = now - timedelta(days=3)
        second.closes_at = now + timedelta(days=60)
        second.save()
    codes = sorted(competencies)
    biases = {}
    for i, teacher in enumerate(teachers):
        # Each teacher is weak in two competencies, middling-to-strong in the rest. teacher1 took the autumn round
        # and has the current one waiting (fill it to see growth); teachers 2–13 took both.
        weak = {codes[i % len(codes)], codes[(i * 3 + 1) % len(codes)]}
        biases[teacher.pk] = {code: (2 if code in weak else rng.choice([3, 4, 4, 5])) for code in codes}
    for teacher in teachers[:41]:
        if not Participation.objects.filter(survey=first, user=teacher).exists():
            first.closes_at = None
            services.response_submit(
                survey=first, user=teacher, answers=_diagnostic_answers(first, rng, biases[teacher.pk])
            )
    if first.closes_at is None or first.closes_at > now:
        first.closes_at = now - timedelta(days=60)
        first.save(update_fields=["closes_at"])
    # The first round was taken in the autumn (demo history, so growth has a "before").
    autumn = now - timedelta(days=90)
    Response.objects.filter(survey=first).update(submitted_at=autumn)
    CompetencyScore.objects.filter(response__survey=first).update(measured_at=autumn)
    Participation.objects.filter(survey=first).update(submitted_on=autumn.date())
    for teacher in teachers[1:13]:
        if not Participation.objects.filter(survey=second, user=teacher).exists():
            services.response_submit(
                survey=second,
                user=teacher,
                answers=_diagnostic_answers(second, rng, biases[teacher.pk], lift=1),
            )

    # --- methodologists' pins and exclusions ---------------------------------------------------------
    for code, mode in (("ASM.1", "pin"), ("DIG.4", "exclude")):
        course = (
            Course.objects.filter(status=Course.Status.PUBLISHED, competencies__code=code)
            .order_by("id")
            .first()
        )
        if course is not None and code in competencies:
            CourseRecommendationRule.objects.get_or_create(
                competency=competencies[code], course=course, defaults={"mode": mode}
            )

    # --- course feedback, anonymous, on cohorts ------------------------------------------------------
    feedback = Survey.objects.filter(title=FEEDBACK_TITLE).first()
    if feedback is None:
        feedback = Survey.objects.create(
            title=FEEDBACK_TITLE,
            kind=Survey.Kind.FEEDBACK,
            is_anonymous=True,
            is_published=True,
            audience=Survey.Audience.COHORT,
            description="Оцените курс по десяти аспектам. Опрос анонимный: ответы не связываются с вашим именем.",
            what_next="Методисты обсудят итоги и изменят программу следующего потока.",
        )
        if author:
            feedback.authors.add(author)
        # Two sections, as the research groups the aspects: what was taught, and how it was organised.
        teaching = Section.objects.create(survey=feedback, title="Содержание и методы", position=1)
        organisation = Section.objects.create(survey=feedback, title="Организация обучения", position=2)
        for pos, aspect in enumerate(FEEDBACK_ASPECTS, start=1):
            Question.objects.create(
                section=teaching if pos <= 4 else organisation,
                kind="likert",
                text=aspect,
                position=pos,
                **dict(
                    zip(
                        ["label_1", "label_2", "label_3", "label_4", "label_5"],
                        SATISFACTION_LABELS,
                        strict=True,
                    )
                ),
            )
        free = Section.objects.create(survey=feedback, title="Ваши предложения", position=3)
        Question.objects.create(
            section=free, kind="text", is_required=False, position=1, text="Что понравилось больше всего?"
        )
        Question.objects.create(
            section=free,
            kind="text",
            is_required=False,
            position=2,
            text="Что стоит изменить в следующем потоке?",
        )
    cohorts = _feedback_cohorts(teachers)
    feedback.cohorts.add(*cohorts)
    questions = list(feedback.questions.order_by("section__position", "position"))
    comments = [
        "Больше практики на реальных уроках",
        "Записи вебинаров очень выручили",
        "Группа была слишком большой",
        "Хотелось бы больше обратной связи по заданиям",
        "Удобная платформа",
        "Неудобное время вебинаров — после шести вечера",
    ]
    for c_index, cohort in enumerate(cohorts):
        enrollments = cohort.enrollments.filter(state__in=Enrollment.SEAT_STATES).select_related("teacher")
        for enrollment in enrollments:
            if Participation.objects.filter(survey=feedback, user=enrollment.teacher, cohort=cohort).exists():
                continue
            if enrollment.teacher == (teachers[0] if teachers else None):
                continue  # the first demo teacher still has it waiting in the cabinet
            answers = {}
            for q in questions:
                if q.kind == "likert":
                    # The sessions' timing is the vulnerable aspect (evening webinars), worse after the first
                    # cohort; the others mostly good, the second cohort a little harsher.
                    if q.text.startswith("Время"):
                        mood, spread = 3 - min(c_index, 1), [-2, -1, 0, 0, 1, 1]
                    else:
                        mood, spread = 4, [-1, 0, 0, 1, 1]
                    answers[q.pk] = max(1, min(5, mood - c_index % 2 + rng.choice(spread)))
                elif rng.random() < 0.4:
                    answers[q.pk] = rng.choice(comments)
            services.response_submit(survey=feedback, user=enrollment.teacher, cohort=cohort, answers=answers)

    # --- across schools: a municipality's anonymous survey, broken down by school -------------------
    seed_area_survey(author, people, rng)
    seed_school_survey(people, rng)

    # --- the builder: a draft with one thing left to fix before publishing ---------------------------
    seed_builder_draft(author)

    # --- follow-up: a general survey, open, that part of the teachers have not answered yet ----------
    seed_general_with_non_respondents(author, teachers, rng)


GENERAL_TITLE = "Цифровая образовательная среда школы: опрос педагогов"


def seed_general_with_non_respondents(author, teachers, rng: random.Random) -> Survey | None:
    """A named general survey for all teachers, opened five days ago, with two reminder steps of its own; about
    half of the demo teachers answered, so its author's "Non-respondents" page has a list and "Remind now"."""
    if author is None:
        return None
    survey = Survey.objects.filter(title=GENERAL_TITLE).first()
    if survey is None:
        now = timezone.now()
        survey = Survey.objects.create(
            title=GENERAL_TITLE,
            kind=Survey.Kind.GENERAL,
            audience=Survey.Audience.ALL_TEACHERS,
            opens_at=now - timedelta(days=5),
            closes_at=now + timedelta(days=9),
            description="Десять минут о том, как в вашей школе работают электронный журнал, интерактивные "
            "панели и Сферум. Ответы помогут муниципалитету спланировать закупки и обучение.",
            what_next="Итоги опроса обсудят на совещании заместителей директоров в конце месяца.",
        )
        survey.authors.add(author)
        ReminderStep.objects.bulk_create(
            [
                ReminderStep(survey=survey, anchor=ReminderStep.Anchor.AFTER_OPENING, days=3),
                ReminderStep(survey=survey, anchor=ReminderStep.Anchor.BEFORE_CLOSING, days=5),
            ]
        )
        section = services.section_save(
            user=author, section=Section(survey=survey, title="Техника и сервисы", position=1)
        )
        for position, text in enumerate(
            [
                "В моём кабинете есть исправная интерактивная панель или проектор.",
                "Электронный журнал работает без сбоев во время урока.",
                "Я использую Сферум для связи с родителями и учениками.",
            ],
            start=1,
        ):
            services.question_save(
                user=author, question=Question(section=section, kind="likert", position=position, text=text)
            )
        services.question_save(
            user=author,
            question=Question(
                section=section,
                kind="text",
                position=4,
                is_required=False,
                text="Чего вам больше всего не хватает в цифровой среде школы?",
            ),
        )
        survey = services.survey_publish(user=author, survey=survey)
    questions = [q for q in survey.questions.order_by("position") if q.kind == "likert"]
    for teacher in teachers[3::2]:
        if not Participation.objects.filter(survey=survey, user=teacher).exists():
            answers = {q.pk: rng.choice([2, 3, 4, 4, 5]) for q in questions}
            services.response_submit(survey=survey, user=teacher, answers=answers)
    return survey


SCHOOL_SURVEY_TITLE = "Методическая работа в нашей школе: опрос коллектива"


def seed_school_survey(people: dict, rng: random.Random) -> Survey | None:
    """A survey the first school's administrator runs for their own school, through the builder services
    (audience locked to the school), answered by six of its teachers."""
    admin = (people.get("school_admins") or [None])[0]
    if admin is None or not admin.school_id:
        return None
    survey = Survey.objects.filter(title=SCHOOL_SURVEY_TITLE).first()
    if survey is None:
        survey = services.survey_save(
            user=admin,
            survey=Survey(
                title=SCHOOL_SURVEY_TITLE,
                kind=Survey.Kind.GENERAL,
                audience=Survey.Audience.SCHOOL,
                school_id=admin.school_id,
                is_anonymous=True,
                description="Администрация школы хочет понять, что помогает вам в методической работе.",
            ),
        )
        section = services.section_save(
            user=admin, section=Section(survey=survey, title="Методическое объединение", position=1)
        )
        for pos, text in enumerate(
            [
                "Заседания методического объединения полезны для моих уроков",
                "Я могу посетить уроки коллег и обсудить их",
                "Мой опыт с курсов обсуждают в школе",
            ],
            start=1,
        ):
            services.question_save(
                user=admin, question=Question(section=section, kind="likert", text=text, position=pos)
            )
        survey = services.survey_publish(user=admin, survey=survey)
    questions = list(survey.questions.order_by("position"))
    colleagues = [t for t in (people.get("teachers") or [])[1:] if t.school_id == admin.school_id][:6]
    for teacher in colleagues:
        if not Participation.objects.filter(survey=survey, user=teacher).exists():
            services.response_submit(
                survey=survey, user=teacher, answers={q.pk: rng.choice([2, 3, 4, 4, 5]) for q in questions}
            )
    return survey


def seed_area_survey(author, people: dict, rng: random.Random) -> Survey | None:
    """The municipality's anonymous survey of PD quality: ten answers in each of four schools, three in the
    fifth (below K: it shows as "fewer than 5" and counts nowhere), and one aspect — time for learning —
    answered mostly 1–2, the negative answers a "vulnerable aspect" reading will flag. The municipal
    administrator reads it by school and by municipality; teacher1 still has it waiting."""
    municipality = people.get("municipality")
    teachers = people.get("teachers") or []
    if municipality is None or not teachers:
        return None
    survey = Survey.objects.filter(title=AREA_TITLE).first()
    if survey is None:
        survey = Survey.objects.create(
            title=AREA_TITLE,
            kind=Survey.Kind.GENERAL,
            is_anonymous=True,
            is_published=True,
            audience=Survey.Audience.MUNICIPALITY,
            municipality=municipality,
            description="Оцените, как устроено повышение квалификации в вашей школе. Опрос анонимный: "
            "результаты видны по школе, только если ответили не меньше пяти человек.",
            what_next="Управление образования обсудит итоги со школами на августовском совещании.",
        )
        if author:
            survey.authors.add(author)
        section = Section.objects.create(
            survey=survey, title="Повышение квалификации в моей школе", position=1
        )
        for pos, aspect in enumerate(AREA_ASPECTS, start=1):
            Question.objects.create(
                section=section,
                kind="likert",
                text=aspect,
                position=pos,
                **dict(
                    zip(["label_1", "label_2", "label_3", "label_4", "label_5"], AGREE_LABELS, strict=True)
                ),
            )
        Question.objects.create(
            section=section,
            kind="text",
            is_required=False,
            position=len(AREA_ASPECTS) + 1,
            text="Что помогло бы вам учиться с пользой?",
        )
    questions = list(survey.questions.order_by("position"))
    schools = people.get("schools") or []
    by_school: dict[int, list] = {}
    for teacher in teachers[1:]:
        by_school.setdefault(teacher.school_id, []).append(teacher)
    wishes = ["Время на обучение в расписании", "Наставник в школе", "Больше практики", "Курсы в каникулы"]
    for index, school in enumerate(schools):
        respondents = by_school.get(school.pk, [])[: 3 if index == len(schools) - 1 else 10]
        for teacher in respondents:
            if Participation.objects.filter(survey=survey, user=teacher).exists():
                continue
            answers: dict = {}
            for q in questions:
                if q.kind == "likert":
                    base = 2 if q.position == 3 else 4 - index % 2  # time for learning: mostly 1–2
                    answers[q.pk] = max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
                elif rng.random() < 0.5:
                    answers[q.pk] = rng.choice(wishes)
            services.response_submit(survey=survey, user=teacher, answers=answers)
    return survey


BUILDER_TITLE = "Наставничество в школе: опрос молодых педагогов (черновик)"


def seed_builder_draft(author) -> Survey | None:
    """An unpublished survey in the builder, written through the builder services, with one thing left to fix:
    its preview and admin page list "a choice question without options" until the methodologist adds them."""
    if author is None:
        return None
    survey = Survey.objects.filter(title=BUILDER_TITLE).first()
    if survey is not None:
        return survey
    survey = Survey.objects.create(
        title=BUILDER_TITLE,
        kind=Survey.Kind.GENERAL,
        is_published=False,
        description="Пять минут о том, как вам помогает наставник в первый год работы.",
    )
    survey.authors.add(author)
    about = services.section_save(
        user=author, section=Section(survey=survey, title="Ваш наставник", position=1)
    )
    services.question_save(
        user=author,
        question=Question(
            section=about, kind="likert", position=1, text="Наставник помогает мне готовиться к урокам."
        ),
    )
    services.question_save(
        user=author,
        question=Question(
            section=about, kind="likert", position=2, text="Я могу обратиться к наставнику в любой момент."
        ),
    )
    # Its options are left for the methodologist to add: the publish check lists it until then.
    services.question_save(
        user=author,
        question=Question(
            section=about, kind="single", position=3, text="Как часто вы встречаетесь с наставником?"
        ),
    )
    wishes = services.section_save(user=author, section=Section(survey=survey, title="Пожелания", position=2))
    services.question_save(
        user=author,
        question=Question(
            section=wishes,
            kind="text",
            position=1,
            is_required=False,
            text="Чего вам не хватает в наставничестве?",
        ),
    )
    return survey
