"""Demo people and places for `manage.py seed_demo` (idempotent: keyed on emails and names)."""

import functools
import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import (
    ApiToken,
    CalendarFeed,
    Level,
    Municipality,
    Position,
    School,
    SchoolChange,
    SchoolChangeHow,
    SchoolLevel,
    SchoolMoveRequest,
    SchoolMoveState,
    Subject,
    User,
)
from .roles import Role

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo logins

MUNICIPALITY = "Северный городской округ"
SCHOOLS = [
    "Гимназия № 1",
    "Средняя школа № 7",
    "Лицей «Интеллект»",
    "Основная школа села Озёрное",
    "Средняя школа № 12 с углублённым изучением английского языка",
]
SUBJECTS = [
    ("math", "Математика"),
    ("russian", "Русский язык и литература"),
    ("ukrainian", "Українська мова та література"),
    ("english", "Английский язык"),
    ("history", "История"),
    ("physics", "Физика"),
    ("chemistry", "Химия"),
    ("biology", "Биология"),
    ("geography", "География"),
    ("informatics", "Информатика"),
    ("primary", "Начальные классы"),
    ("pe", "Физическая культура"),
    ("arts", "Изобразительное искусство"),
    ("music", "Музыка"),
]
FIRST_F = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Ирина",
    "Светлана",
    "Татьяна",
    "Оксана",
    "Юлия",
    "Дарья",
    "Галина",
]
FIRST_M = ["Алексей", "Дмитрий", "Сергей", "Андрей", "Игорь", "Николай", "Павел", "Олег", "Виктор", "Тарас"]
LAST = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Мельник",
    "Павленко",
    "Федоров",
    "Орлов",
    "Зайцев",
]
PATR_F = ["Александровна", "Сергеевна", "Викторовна", "Ивановна", "Петровна", "Николаевна"]
PATR_M = ["Александрович", "Сергеевич", "Викторович", "Иванович", "Петрович", "Николаевич"]


def person_name(rng: random.Random) -> str:
    """A plausible full name; the demo and the scale data set share it."""
    last = rng.choice(LAST)
    if rng.random() < 0.75:
        if not last.endswith(("ко", "ук", "ник", "нко", "ьник", "к")) and last[-2:] in {"ов", "ев", "ин"}:
            last += "а"
        return f"{last} {rng.choice(FIRST_F)} {rng.choice(PATR_F)}"
    return f"{last} {rng.choice(FIRST_M)} {rng.choice(PATR_M)}"


@functools.cache
def _demo_password_hash() -> str:
    """Hash the shared demo password once: hashing it per user would make seeding take minutes."""
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str, roles: list[str], **fields) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, **fields})
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def seed() -> dict:
    rng = random.Random(2026)
    for role in Role.values:
        Group.objects.get_or_create(name=role)
    municipality, _ = Municipality.objects.get_or_create(name=MUNICIPALITY)
    schools = [School.objects.get_or_create(municipality=municipality, name=name)[0] for name in SCHOOLS]
    subjects = [
        Subject.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in SUBJECTS
    ]
    # Also made by a migration; get_or_create keeps the seed whole on a database that lost them (a flush).
    levels = [Level.objects.get_or_create(code=code)[0] for code in SchoolLevel.values]

    admin = _user(
        "admin@demo.pdplatform.local", "Администратор платформы", [], is_staff=True, is_superuser=True
    )
    methodologists = [
        _user(
            f"methodologist{i}@demo.pdplatform.local",
            name,
            [Role.METHODOLOGIST],
            is_staff=True,
            municipality=municipality,
            position=Position.METHODOLOGIST,
            years_of_experience=15 + i,
        )
        for i, name in enumerate(
            ["Соколова Марина Игоревна", "Петренко Олена Василівна", "Grant Helen"], start=1
        )
    ]
    curators = [
        _user(
            f"curator{i}@demo.pdplatform.local",
            name,
            [Role.CURATOR],
            is_staff=True,
            municipality=municipality,
            position=Position.METHODOLOGIST,
            years_of_experience=10 + i,
        )
        for i, name in enumerate(["Лебедева Ирина Сергеевна", "Коваль Андрій Петрович"], start=1)
    ]
    school_admins = [
        _user(
            f"schooladmin{i}@demo.pdplatform.local",
            person_name(rng),
            [Role.SCHOOL_ADMIN],
            is_staff=True,  # they build their school's own surveys in the admin
            school=school,
            municipality=municipality,
            position=Position.DEPUTY_HEAD,
            years_of_experience=20,
        )
        for i, school in enumerate(schools, start=1)
    ]
    municipal_admin = _user(
        "municipal@demo.pdplatform.local",
        "Орлова Вера Николаевна",
        [Role.MUNICIPAL_ADMIN],
        municipality=municipality,
        position=Position.METHODOLOGIST,
        years_of_experience=25,
    )
    teachers = []
    for i in range(1, 61):
        school = schools[(i - 1) % len(schools)]
        # Young teachers (under 3 years) spread over every school: every sixth teacher.
        years = rng.choice([0, 1, 2]) if i % 6 == 0 else rng.randint(3, 35)
        teacher = _user(
            f"teacher{i}@demo.pdplatform.local",
            person_name(rng),
            [Role.TEACHER],
            school=school,
            municipality=municipality,
            position=Position.SENIOR_TEACHER if years > 15 and i % 3 == 0 else Position.TEACHER,
            years_of_experience=years,
            preferred_language="uk" if i % 7 == 0 else "ru",
        )
        if not teacher.subjects.exists():
            teacher.subjects.set(rng.sample(subjects, k=rng.choice([1, 1, 2])))
            teacher.school_levels.set(rng.sample(levels, k=rng.choice([1, 2])))
        teachers.append(teacher)
    seed_school_moves(teachers=teachers, schools=schools, school_admins=school_admins)
    return {
        "municipality": municipality,
        "schools": schools,
        "subjects": subjects,
        "admin": admin,
        "methodologists": methodologists,
        "curators": curators,
        "school_admins": school_admins,
        "municipal_admin": municipal_admin,
        "teachers": teachers,
    }


def seed_school_moves(*, teachers: list[User], schools: list[School], school_admins: list[User]) -> None:
    """One teacher waits for Гимназия № 1 to approve their move; another's approved move from the village
    school to the lyceum is in the audit trail (decision 0393). Idempotent: keyed on teacher and school."""
    asking = teachers[1]  # works at Средняя школа № 7
    if not SchoolMoveRequest.objects.filter(teacher=asking).exists():
        SchoolMoveRequest.objects.create(
            teacher=asking,
            from_school=asking.school,
            to_school=schools[0],
            reason="Переезжаю в центр города; в гимназии открылась ставка учителя моего предмета.",
        )
    moved = teachers[2]  # works at Лицей «Интеллект», came from the village school
    if not SchoolMoveRequest.objects.filter(teacher=moved).exists():
        move = SchoolMoveRequest.objects.create(
            teacher=moved,
            from_school=schools[3],
            to_school=schools[2],
            reason="Перевожусь ближе к дому, в лицей.",
            state=SchoolMoveState.APPROVED,
            decided_by=school_admins[2],
            decided_at=timezone.now(),
        )
        SchoolChange.objects.create(
            teacher=moved,
            from_school=schools[3],
            to_school=schools[2],
            how=SchoolChangeHow.REQUEST,
            changed_by=school_admins[2],
            move_request=move,
        )


def seed_calendar_feed(user) -> str:
    """The demo teacher's calendar address. Only a hash is ever stored, so the demo's secret is derived
    from SECRET_KEY: every run sets the same one and can print the address again (idempotent)."""
    token = salted_hmac("pdplatform.demo.calendar-feed", user.email).hexdigest()[:43]
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": CalendarFeed.hash_of(token)})
    return token


def seed_api_token(user, *, name: str, used_days_ago: int | None = None) -> str:
    """A named API token of a demo person, secret derived from SECRET_KEY (only its hash is stored), so
    every run sets the same one and seed_demo can print it for a first `curl` (idempotent)."""
    secret = "pdp_" + salted_hmac("pdplatform.demo.api-token", f"{user.email}:{name}").hexdigest()[:43]
    last_used = timezone.now() - timedelta(days=used_days_ago) if used_days_ago is not None else None
    ApiToken.objects.update_or_create(
        user=user,
        name=name,
        defaults={
            "prefix": secret[: ApiToken.PREFIX_LENGTH],
            "token_hash": ApiToken.hash_of(secret),
            "last_used_at": last_used,
        },
    )
    return secret
