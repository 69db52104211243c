"""A region-sized data set for benchmarks, written with bulk inserts (run `seed_demo` first).

    manage.py seed_scale                 # the region: 20,000 teachers, 100,000 posts, …
    manage.py seed_scale --scale 0.05    # everything 20 times smaller (a quick check)
    manage.py seed_scale --teachers 50000 --posts 300000

Everything it makes is marked: e-mails end in @scale.pdplatform.local, course and community slugs
start with "scale-". It refuses to run twice on one database (benchmarks want a known data set:
use a fresh database). Every scale person's password is SCALE_PASSWORD.

One file: one management command; `ScaleBuilder`'s steps use each other's ids in order (schools,
teachers, courses, cohorts, communities, posts) and run as one sequence.
"""

import random
import time
from datetime import timedelta
from decimal import Decimal
from itertools import cycle, islice

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import person_name
from accounts.models import Level, Municipality, Position, School, Subject, User
from accounts.roles import Role
from cohorts.models import (
    Announcement,
    Cohort,
    Enrollment,
    LessonProgress,
    Question,
    Review,
    Submission,
    SubmissionVersion,
)
from communities.models import Community, CommunityKind, MemberRole, Membership, Post, Topic
from courses.models import Assignment, Competency, Course, Lesson, Module
from courses.search import refresh_search_vectors
from mentoring.models import Meeting, MentoringPair, MentorProfile
from surveys.models import Answer, CompetencyScore, Participation, Response, Section, Survey
from surveys.models import Question as SurveyQuestion

DOMAIN = "scale.pdplatform.local"
SCALE_PASSWORD = "scale-pass-2026"  # noqa: S105 - a published benchmark login
BATCH = 5000

# Region-sized defaults (issue "Benchmark suite at scale"); --scale multiplies every one of them.
DEFAULTS = {
    "municipalities": 2,
    "schools": 400,
    "teachers": 20_000,
    "courses": 2_000,
    "cohorts": 300,
    "enrollments": 20_000,
    "progress": 200_000,
    "submissions": 50_000,
    "answers": 100_000,
    "communities": 50,
    "posts": 100_000,
    "pairs": 2_000,
}
MODULES_PER_COURSE = 4
LESSONS_PER_MODULE = 3
QUESTIONS_PER_SURVEY = 10
POSTS_PER_TOPIC = 20

TOPICS = [
    "Формирующее оценивание",
    "Цифровая грамотность",
    "Инклюзивное образование",
    "Проектный метод",
    "Функциональная грамотность",
    "Профилактика выгорания",
    "Работа с родителями",
    "Наставничество",
    "Смысловое чтение",
    "Управление классом",
    "Одарённые дети",
    "Формувальне оцінювання",
    "Digital literacy",
    "Project-based learning",
    "Classroom management",
]
ANGLES = [
    "для начальной школы",
    "на уроках математики",
    "в 5–9 классах",
    "для классных руководителей",
    "в сельской школе",
    "для молодых учителей",
    "на практике",
    "у початковій школі",
    "in practice",
]
LESSONS = [
    "Введение",
    "Разбор урока",
    "Практикум",
    "Круглый стол",
    "Мастер-класс",
    "Вебинар с экспертом",
    "Итоги",
]
FORUM_TITLES = [
    "Как организовать взаимооценивание в 7 классе?",
    "Чем заменить контрольную в конце четверти?",
    "Поделитесь чек-листом для проекта",
    "Родители против домашних заданий онлайн",
    "Какие цифровые тренажёры вы используете?",
    "Як провести урок-дослідження?",
    "Адаптация заданий для ребёнка с ОВЗ",
    "Как не выгореть к маю",
]
REPLIES = [
    "Мы делаем так: сначала критерии вместе с классом, потом работа в парах по чек-листу.",
    "Попробуйте листы самооценки на последней минуте урока — ученикам это нравится.",
    "У нас в школе это решили через методобъединение, могу прислать шаблон.",
    "Согласна с коллегой, но для начальной школы я бы упростила формулировки.",
    "Дякую за ідею! Спробувала на уроці — працює.",
    "Полезная тема. Добавлю, что важно заранее предупредить родителей.",
]


class Command(BaseCommand):
    help = "Generate a region-sized data set with bulk inserts for benchmarks (prints how long it took)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (default 1.0)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        for name, value in DEFAULTS.items():
            parser.add_argument(f"--{name}", type=int, default=None, help=f"default {value:,} × scale")

    def handle(self, *args, **options):
        if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
            raise CommandError("This database already has the scale data set; use a fresh database.")
        if not Competency.objects.exists():
            raise CommandError(
                "Run `manage.py seed_demo` first: the scale data uses its competencies and subjects."
            )
        counts = {
            name: options[name] if options[name] is not None else max(1, round(value * options["scale"]))
            for name, value in DEFAULTS.items()
        }
        started = time.perf_counter()
        builder = ScaleBuilder(counts, random.Random(options["seed"]), self.stdout.write)
        with transaction.atomic():
            builder.build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data set ready in {time.perf_counter() - started:.1f} s.")
        )
        self.stdout.write(f"Every scale account's password: {SCALE_PASSWORD}")


class ScaleBuilder:
    """Each step bulk-inserts one app's rows and keeps the ids the next steps need."""

    def __init__(self, counts: dict[str, int], rng: random.Random, say):
        self.n = counts
        self.rng = rng
        self.say = say
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.password = make_password(SCALE_PASSWORD)

    def build(self) -> None:
        for step in (
            self.people,
            self.courses,
            self.cohorts,
            self.learning,
            self.surveys,
            self.communities,
            self.mentoring,
        ):
            started = time.perf_counter()
            made = step()
            self.say(f"  {step.__name__:<12} {made:>9,} rows  {time.perf_counter() - started:6.1f} s")

    # --- accounts ---------------------------------------------------------------------------------

    def _users(self, prefix: str, count: int, role: str, **fields) -> list[User]:
        schools = fields.pop("schools", None)
        users = []
        for i in range(count):
            school = schools[i % len(schools)] if schools else fields.get("school")
            users.append(
                User(
                    email=f"{prefix}{i}@{DOMAIN}",
                    full_name=person_name(self.rng),
                    password=self.password,
                    school=school,
                    municipality=school.municipality if school else fields.get("municipality"),
                    preferred_language=self.rng.choice(["ru", "ru", "uk", "en"]),
                    position=fields.get("position", Position.TEACHER),
                    years_of_experience=self.rng.choice([1, 2, 3, 5, 8, 12, 20, 30]),
                    is_staff=role in {Role.METHODOLOGIST, Role.CURATOR},
                )
            )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        group = Group.objects.get(name=role)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=BATCH
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=BATCH,
        )
        return users

    def people(self) -> int:
        municipalities = Municipality.objects.bulk_create(
            [
                Municipality(name=f"Муниципальный округ № {i + 1} (scale)")
                for i in range(self.n["municipalities"])
            ]
        )
        schools = School.objects.bulk_create(
            [
                School(
                    municipality=municipalities[i % len(municipalities)],
                    name=f"Средняя школа № {i + 1} (scale)",
                )
                for i in range(self.n["schools"])
            ],
            batch_size=BATCH,
        )
        self.schools = schools
        self.teachers = self._users("teacher", self.n["teachers"], Role.TEACHER, schools=schools)
        subjects = list(Subject.objects.values_list("pk", flat=True))
        levels = list(Level.objects.values_list("pk", flat=True))
        User.subjects.through.objects.bulk_create(
            [
                User.subjects.through(user_id=t.pk, subject_id=self.rng.choice(subjects))
                for t in self.teachers
            ],
            batch_size=BATCH,
        )
        User.school_levels.through.objects.bulk_create(
            [
                User.school_levels.through(user_id=t.pk, level_id=self.rng.choice(levels))
                for t in self.teachers
            ],
            batch_size=BATCH,
        )
        staff = max(1, self.n["cohorts"] // 3)
        self.curators = self._users("curator", staff, Role.CURATOR, position=Position.METHODOLOGIST)
        self.methodologists = self._users(
            "methodologist", max(1, staff // 5), Role.METHODOLOGIST, position=Position.METHODOLOGIST
        )
        self.school_admins = self._users(
            "schooladmin", len(schools), Role.SCHOOL_ADMIN, schools=schools, position=Position.DEPUTY_HEAD
        )
        self.municipal_admins = [
            self._users(
                f"municipal{m.pk}-", 1, Role.MUNICIPAL_ADMIN, municipality=m, position=Position.OTHER
            )[0]
            for m in municipalities
        ]
        return len(schools) + 2 * (len(self.teachers) + staff + len(schools))

    # --- courses ----------------------------------------------------------------------------------

    def courses(self) -> int:
        rng = self.rng
        courses = Course.objects.bulk_create(
            [
                Course(
                    title=f"{rng.choice(TOPICS)} {rng.choice(ANGLES)} ({i + 1})",
                    slug=f"scale-{i + 1}",
                    summary="Практические приёмы, разбор уроков и обратная связь куратора.",
                    description="Курс повышения квалификации для учителей региона. " * 4,
                    format=rng.choice(Course.Format.values),
                    level=rng.choice(Course.Level.values),
                    hours=rng.choice([16, 18, 24, 36, 72]),
                    status=Course.Status.PUBLISHED,
                    published_at=self.now - timedelta(hours=i),
                )
                for i in range(self.n["courses"])
            ],
            batch_size=BATCH,
        )
        modules = Module.objects.bulk_create(
            [
                Module(course=c, title=f"Модуль {m + 1}", position=m + 1)
                for c in courses
                for m in range(MODULES_PER_COURSE)
            ],
            batch_size=BATCH,
        )
        lessons = Lesson.objects.bulk_create(
            [
                Lesson(
                    module=m,
                    title=f"{rng.choice(LESSONS)} {p + 1}",
                    position=p + 1,
                    hours=Decimal(2),
                    kind=rng.choice(Lesson.Kind.values),
                    body="Материал урока. " * 20,
                )
                for m in modules
                for p in range(LESSONS_PER_MODULE)
            ],
            batch_size=BATCH,
        )
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    module=m, title="Практическое задание", instructions="Опишите свой урок.", position=1
                )
                for m in modules
            ],
            batch_size=BATCH,
        )
        self.lessons_of: dict[int, list[int]] = {}
        for lesson, module in zip(
            lessons, (m for m in modules for _ in range(LESSONS_PER_MODULE)), strict=True
        ):
            self.lessons_of.setdefault(module.course_id, []).append(lesson.pk)
        self.assignments_of: dict[int, list[int]] = {}
        for assignment, module in zip(assignments, modules, strict=True):
            self.assignments_of.setdefault(module.course_id, []).append(assignment.pk)
        competencies = list(Competency.objects.values_list("pk", flat=True))
        self.competencies = competencies
        Course.competencies.through.objects.bulk_create(
            [
                Course.competencies.through(course_id=c.pk, competency_id=pk)
                for c in courses
                for pk in rng.sample(competencies, 2)
            ],
            batch_size=BATCH,
        )
        Course.authors.through.objects.bulk_create(
            [
                Course.authors.through(course_id=c.pk, user_id=rng.choice(self.methodologists).pk)
                for c in courses
            ],
            batch_size=BATCH,
        )
        refresh_search_vectors([c.pk for c in courses])
        self.courses_list = courses
        return len(courses) + len(modules) + len(lessons) + len(assignments)

    # --- cohorts and learning ---------------------------------------------------------------------

    def cohorts(self) -> int:
        count = self.n["cohorts"]
        cohorts = []
        for i, course in enumerate(islice(cycle(self.courses_list), count)):
            running = i % 5 != 0  # four in five run now, the rest start next month
            starts = self.today - timedelta(days=30) if running else self.today + timedelta(days=30)
            cohorts.append(
                Cohort(
                    course=course,
                    title=f"Поток {i + 1}: {course.title[:80]}",
                    starts_on=starts,
                    ends_on=starts + timedelta(days=90),
                    enrollment_opens_at=self.now - timedelta(days=60),
                    enrollment_closes_at=self.now + timedelta(days=20),
                    capacity=0,
                    status=Cohort.Status.OPEN,
                )
            )
        cohorts = Cohort.objects.bulk_create(cohorts, batch_size=BATCH)
        Cohort.curators.through.objects.bulk_create(
            [
                Cohort.curators.through(cohort_id=c.pk, user_id=self.curators[i % len(self.curators)].pk)
                for i, c in enumerate(cohorts)
            ],
            batch_size=BATCH,
        )
        # Teachers join cohorts in turn; a teacher's second enrolment goes to the next cohort over,
        # never twice into one cohort (DB constraint).
        enrollments, seen = [], set()
        teachers = len(self.teachers)
        for i in range(self.n["enrollments"]):
            teacher, cohort = self.teachers[i % teachers], cohorts[(i + i // teachers) % len(cohorts)]
            if (teacher.pk, cohort.pk) in seen:
                continue
            seen.add((teacher.pk, cohort.pk))
            enrollments.append(
                Enrollment(
                    teacher=teacher,
                    cohort=cohort,
                    state=Enrollment.State.ENROLLED,
                    enrolled_at=self.now - timedelta(days=25),
                )
            )
        self.enrollments = Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
        self.cohorts_list = cohorts
        announcements = Announcement.objects.bulk_create(
            [
                Announcement(
                    cohort=c,
                    author=self.curators[i % len(self.curators)],
                    title="Расписание вебинаров",
                    body="Вебинар по модулю 2 переносится на четверг, 16:00.",
                )
                for i, c in enumerate(cohorts)
            ],
            batch_size=BATCH,
        )
        return len(cohorts) * 2 + len(enrollments) + len(announcements)

    def _spread(self, total: int, slots: int, most: int) -> list[int]:
        """`slots` counts of 0..most that add up to `total` (or to slots × most if that is less), varied."""
        base, extra = divmod(min(total, slots * most), slots)
        counts = [base + (i < extra) for i in range(slots)]
        for i in range(0, slots - 1, 2):  # move a random amount between neighbours: sum stays the same
            shift = self.rng.randint(0, min(counts[i + 1], most - counts[i]))
            counts[i], counts[i + 1] = counts[i] + shift, counts[i + 1] - shift
        return counts

    def learning(self) -> int:
        rng = self.rng
        course_of = {c.pk: c.course_id for c in self.cohorts_list}
        curator_of = {c.pk: self.curators[i % len(self.curators)] for i, c in enumerate(self.cohorts_list)}
        progress = []
        for enrollment, k in zip(
            self.enrollments,
            self._spread(self.n["progress"], len(self.enrollments), MODULES_PER_COURSE * LESSONS_PER_MODULE),
            strict=True,
        ):
            lessons = self.lessons_of[course_of[enrollment.cohort_id]]
            progress.extend(
                LessonProgress(
                    enrollment=enrollment, lesson_id=pk, done_at=self.now - timedelta(days=rng.randint(0, 25))
                )
                for pk in lessons[:k]
            )
        LessonProgress.objects.bulk_create(progress, batch_size=BATCH)

        submissions, slots = (
            [],
            [(e, pk) for e in self.enrollments for pk in self.assignments_of[course_of[e.cohort_id]]],
        )
        rng.shuffle(slots)
        for enrollment, assignment_id in slots[: self.n["submissions"]]:
            reviewed = rng.random() < 0.85
            submissions.append(
                Submission(
                    enrollment=enrollment,
                    assignment_id=assignment_id,
                    version_count=1,
                    state=rng.choice([Submission.State.ACCEPTED, Submission.State.REVISE])
                    if reviewed
                    else Submission.State.SUBMITTED,
                    submitted_at=self.now - timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600)),
                    reviewed_at=self.now - timedelta(hours=rng.randint(1, 20)) if reviewed else None,
                )
            )
        submissions = Submission.objects.bulk_create(submissions, batch_size=BATCH)
        versions = SubmissionVersion.objects.bulk_create(
            [
                SubmissionVersion(
                    submission=s, number=1, text="Конспект урока с приёмами формирующего оценивания. " * 5
                )
                for s in submissions
            ],
            batch_size=BATCH,
        )
        reviews = Review.objects.bulk_create(
            [
                Review(
                    version=v,
                    reviewer=curator_of[s.enrollment.cohort_id],
                    decision=s.state,
                    score=rng.randint(6, 10),
                    comment="Хорошая работа, уточните критерии оценивания.",
                )
                for v, s in zip(versions, submissions, strict=True)
                if s.state != Submission.State.SUBMITTED
            ],
            batch_size=BATCH,
        )
        questions = Question.objects.bulk_create(
            [
                Question(
                    enrollment=e,
                    cohort_id=e.cohort_id,
                    text="Можно ли сдать задание после дедлайна?",
                    answer="Да, в течение недели." if i % 3 else "",
                    answered_by=curator_of[e.cohort_id] if i % 3 else None,
                    answered_at=self.now if i % 3 else None,
                    first_response_seconds=3600 if i % 3 else None,
                )
                for i, e in enumerate(self.enrollments[:: max(1, len(self.enrollments) // 2000)])
            ],
            batch_size=BATCH,
        )
        return len(progress) + len(submissions) + len(versions) + len(reviews) + len(questions)

    # --- surveys ----------------------------------------------------------------------------------

    def _survey(self, title: str, kind: str, anonymous: bool) -> tuple[Survey, list[SurveyQuestion]]:
        survey = Survey.objects.create(
            title=title,
            kind=kind,
            is_anonymous=anonymous,
            is_published=True,
            audience=Survey.Audience.COHORT if kind == Survey.Kind.FEEDBACK else Survey.Audience.ALL_TEACHERS,
            opens_at=self.now - timedelta(days=60),
            closes_at=self.now + timedelta(days=60),
        )
        section = Section.objects.create(survey=survey, title="Основной блок")
        competencies = self.rng.sample(self.competencies, min(QUESTIONS_PER_SURVEY, len(self.competencies)))
        questions = SurveyQuestion.objects.bulk_create(
            [
                SurveyQuestion(
                    section=section,
                    text=f"Насколько уверенно вы владеете приёмом {i + 1}?",
                    position=i + 1,
                    label_1="Совсем нет",
                    label_5="Полностью",
                    competency_id=competencies[i % len(competencies)]
                    if kind == Survey.Kind.DIAGNOSTIC
                    else None,
                )
                for i in range(QUESTIONS_PER_SURVEY)
            ]
        )
        return survey, questions

    def surveys(self) -> int:
        """Half the answers in a named diagnostic (with competency profiles), half in anonymous feedback."""
        rng = self.rng
        per_survey = max(1, self.n["answers"] // (2 * QUESTIONS_PER_SURVEY))
        diagnostic, d_questions = self._survey(
            "Диагностика профессиональных дефицитов (scale)", Survey.Kind.DIAGNOSTIC, anonymous=False
        )
        feedback, f_questions = self._survey(
            "Обратная связь по курсу (scale)", Survey.Kind.FEEDBACK, anonymous=True
        )
        feedback.cohorts.set(self.cohorts_list)
        respondents = self.teachers[: min(per_survey, len(self.teachers))]
        responses = Response.objects.bulk_create(
            [
                Response(
                    survey=diagnostic,
                    respondent=t,
                    submitted_at=self.now - timedelta(days=rng.randint(1, 50)),
                )
                for t in respondents
            ],
            batch_size=BATCH,
        )
        feedback_from = [e for e in self.enrollments[: min(per_survey, len(self.enrollments))]]
        responses += Response.objects.bulk_create(
            [Response(survey=feedback, cohort_id=e.cohort_id) for e in feedback_from], batch_size=BATCH
        )
        Participation.objects.bulk_create(
            [Participation(survey=diagnostic, user=t, submitted_on=self.today) for t in respondents]
            + [
                Participation(
                    survey=feedback, user_id=e.teacher_id, cohort_id=e.cohort_id, submitted_on=self.today
                )
                for e in feedback_from
            ],
            batch_size=BATCH,
        )
        answers, scores = [], []
        for response in responses:
            questions = d_questions if response.survey_id == diagnostic.pk else f_questions
            mood = rng.choice([2, 3, 3, 4, 4, 5])
            for question in questions:
                value = max(1, min(5, mood + rng.choice([-1, 0, 1])))
                answers.append(Answer(response=response, question=question, value=value))
                if question.competency_id:
                    score = (value - 1) * 25
                    scores.append(
                        CompetencyScore(
                            response=response,
                            user_id=response.respondent_id,
                            competency_id=question.competency_id,
                            score=score,
                            is_deficit=score < diagnostic.deficit_threshold,
                            measured_at=response.submitted_at,
                        )
                    )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        CompetencyScore.objects.bulk_create(scores, batch_size=BATCH, ignore_conflicts=True)
        return len(responses) * 2 + len(answers) + len(scores)

    # --- communities ------------------------------------------------------------------------------

    def communities(self) -> int:
        rng = self.rng
        subjects = list(Subject.objects.all())
        communities = Community.objects.bulk_create(
            [
                Community(
                    name=f"Клуб «{rng.choice(TOPICS)}» № {i + 1}",
                    slug=f"scale-{i + 1}",
                    kind=rng.choice(
                        [CommunityKind.SUBJECT_CLUB, CommunityKind.METHODOLOGICAL, CommunityKind.EXPERT]
                    ),
                    is_closed=i % 10 == 9,
                    subject=rng.choice(subjects),
                    description="Обмен опытом, вопросы коллегам, материалы и события.",
                )
                for i in range(self.n["communities"])
            ]
        )
        members_each = min(len(self.teachers), 400)
        memberships = []
        for i, community in enumerate(communities):
            start = (i * members_each) % len(self.teachers)
            people = (self.teachers + self.teachers)[start : start + members_each]
            memberships += [
                Membership(
                    community=community, user=u, role=MemberRole.MODERATOR if k == 0 else MemberRole.MEMBER
                )
                for k, u in enumerate(people)
            ]
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        members_of: dict[int, list[int]] = {}
        for m in memberships:
            members_of.setdefault(m.community_id, []).append(m.user_id)

        # Topic lengths vary (a few long threads, many short ones) around POSTS_PER_TOPIC on average.
        topic_count = max(1, self.n["posts"] // POSTS_PER_TOPIC)
        lengths = self._spread(self.n["posts"], topic_count, POSTS_PER_TOPIC * 10)
        topics = []
        for i, length in enumerate(lengths):
            community = communities[i % len(communities)]
            started = self.now - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1440))
            topics.append(
                Topic(
                    community=community,
                    title=f"{rng.choice(FORUM_TITLES)} ({i + 1})",
                    author_id=rng.choice(members_of[community.pk]),
                    created_at=started,
                    last_post_at=started + timedelta(hours=max(0, length - 1)),
                    post_count=length,
                )
            )
        topics = Topic.objects.bulk_create([t for t in topics if t.post_count], batch_size=BATCH)
        made = 0
        posts = []
        for topic in topics:
            people = members_of[topic.community_id]
            for number in range(1, topic.post_count + 1):
                body = rng.choice(REPLIES) if number > 1 else f"{topic.title}\n\nКоллеги, поделитесь опытом."
                posts.append(
                    Post(
                        topic=topic,
                        number=number,
                        author_id=topic.author_id if number == 1 else rng.choice(people),
                        body=body,
                        body_html=f"<p>{body}</p>",
                        created_at=topic.created_at + timedelta(hours=number - 1),
                    )
                )
            if len(posts) >= BATCH:
                made += len(Post.objects.bulk_create(posts, batch_size=BATCH))
                posts = []
        made += len(Post.objects.bulk_create(posts, batch_size=BATCH))
        self.communities_list = communities
        return len(communities) + len(memberships) + len(topics) + made

    # --- mentoring --------------------------------------------------------------------------------

    def mentoring(self) -> int:
        """Experienced teachers mentor young ones, three mentees each, pairs accepted by both."""
        mentors = [t for t in self.teachers if (t.years_of_experience or 0) >= 8]
        mentees = [t for t in self.teachers if (t.years_of_experience or 0) < 3]
        wanted = min(self.n["pairs"], len(mentees), 3 * len(mentors))
        mentors = mentors[: -(-wanted // 3)]
        MentorProfile.objects.bulk_create(
            [MentorProfile(user=m, capacity=3) for m in mentors], batch_size=BATCH
        )
        start = self.today - timedelta(days=60)
        accepted = self.now - timedelta(days=60)
        pairs = MentoringPair.objects.bulk_create(
            [
                MentoringPair(
                    mentor=mentors[i // 3],
                    mentee=mentees[i],
                    state="active",
                    start_date=start,
                    mentor_accepted_at=accepted,
                    mentee_accepted_at=accepted,
                    created_by=mentors[i // 3],
                )
                for i in range(wanted)
            ],
            batch_size=BATCH,
        )
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    pair=p,
                    date=start + timedelta(days=14 * k),
                    kind="consultation",
                    status="held",
                    notes="Обсудили план урока и приёмы удержания внимания.",
                    logged_by_id=p.mentor_id,
                )
                for p in pairs
                for k in range(3)
            ],
            batch_size=BATCH,
        )
        return len(mentors) + len(pairs) + len(meetings)
