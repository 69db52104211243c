"""Demo communities with realistic Russian and Ukrainian discussions, materials and upcoming events.

Idempotent: communities are keyed on their slug, topics on (community, title), materials on
(community, title), events on (community, title), memberships on (community, person). Written
through the services' building blocks without sending notifications (nobody should get mail from a seed).

One file: mostly data: the demo communities' Russian and Ukrainian discussions, seeded by one idempotent
`seed`; split, one story would be scattered across files.
"""

import re
from datetime import timedelta

from django.utils import timezone, translation

from cohorts.models import Cohort
from core import markup
from notifications.services import reminder_rule_run

from . import services
from .models import (
    Community,
    CommunityKind,
    Draft,
    Event,
    EventKind,
    FollowLevel,
    Material,
    MaterialComment,
    MaterialKind,
    MaterialRating,
    MemberRole,
    Membership,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    Topic,
)
from .search import refresh_material_vectors

# Reactions on the demo replies: the first readers find a reply useful, the next ones thank, find an idea
# in it or tried it in class (every other reply), so a topic shows the whole fixed set.
DEMO_REACTIONS = (
    ReactionKind.USEFUL,
    ReactionKind.USEFUL,
    ReactionKind.USEFUL,
    ReactionKind.THANKS,
    ReactionKind.IDEA,
    ReactionKind.TRIED,
)

COMMUNITIES = [
    {
        "slug": "math-club",
        "name": "Клуб учителей математики",
        "kind": CommunityKind.SUBJECT_CLUB,
        "subject": "math",
        "closed": False,
        "description": "Делимся задачами, разбираем трудные темы ОГЭ и ВПР, обсуждаем, как удержать внимание "
        "класса на уроке геометрии.",
        "rules": "Уважайте коллег. Перед новым вопросом посмотрите похожие темы. Материалы — только свои "
        "или со ссылкой на автора.",
    },
    {
        "slug": "mo-ukrainian",
        "name": "Методичне об'єднання вчителів української мови",
        "kind": CommunityKind.METHODOLOGICAL,
        "subject": "ukrainian",
        "closed": False,
        "description": "Обмін досвідом, календарно-тематичне планування, підготовка до НМТ та олімпіад.",
        "rules": "Пишемо українською або російською. Без реклами.",
    },
    {
        "slug": "vpr-experts",
        "name": "Экспертное сообщество по проверке ВПР",
        "kind": CommunityKind.EXPERT,
        "subject": "",
        "closed": True,
        "description": "Согласование критериев оценивания и спорные случаи. Закрытое сообщество экспертов.",
        "rules": "Работы учеников не выкладываем без обезличивания.",
    },
    {
        "slug": "gymnasium-1",
        "name": "Гимназия № 1: педагогический коллектив",
        "kind": CommunityKind.SCHOOL,
        "subject": "",
        "closed": True,
        "description": "Внутреннее сообщество педагогов гимназии: педсоветы, открытые уроки, наставничество.",
        "rules": "",
    },
]

# (community slug, title, [(author index, body), ...], solution post number or None)
TOPICS = [
    (
        "math-club",
        "Как объяснить деление дробей в 5 классе?",
        [
            (
                0,
                "Коллеги, каждый год одна и та же история: правило «перевернуть и умножить» запоминают, "
                "а смысла не понимают. Как вы объясняете **деление дробей**?",
            ),
            (
                1,
                "Я начинаю с вопроса «сколько раз 1/4 помещается в 3/4?» и рисую полоски. "
                "После трёх-четырёх таких задач правило выводят сами.\n\n- полоски\n- круги\n- числовой луч",
            ),
            (2, "Поддерживаю полоски. Ещё помогает задача про пиццу: 2 пиццы делим на порции по 1/3."),
            (0, "Спасибо! Попробовала полоски — сработало, отмечаю как решение."),
        ],
        2,
    ),
    (
        "math-club",
        "Подготовка к ВПР по математике: с чего начать в сентябре?",
        [
            (3, "Какие темы вы повторяете в первую очередь перед ВПР в 6 классе?"),
            (4, "Мы начинаем с текстовых задач на проценты и с чтения диаграмм — там больше всего ошибок."),
        ],
        None,
    ),
    (
        "math-club",
        "Геометрия в 7 классе: первые уроки без скуки",
        [
            (5, "Поделитесь идеями для первых уроков геометрии. Хочется, чтобы дети не заснули на аксиомах."),
            (
                1,
                "Оригами! Сгибание листа — отличный способ «увидеть» биссектрису и серединный перпендикуляр.",
            ),
            (6, "А мы строим с помощью нитей и кнопок на пробковой доске, очень наглядно."),
        ],
        None,
    ),
    (
        "mo-ukrainian",
        "Як організувати роботу з текстом на уроках у 8 класі?",
        [
            (
                7,
                "Колеги, поділіться прийомами роботи з текстом. Учні читають, але не розуміють головної думки.",
            ),
            (
                8,
                "Я використовую прийом «ромашка Блума»: шість типів запитань до одного тексту. "
                "Діти швидко звикають формулювати запитання самі.",
            ),
            (9, "Ще працює «читання з олівцем»: позначки V, +, -, ? на полях."),
        ],
        2,
    ),
    (
        "mo-ukrainian",
        "Календарно-тематичне планування на новий навчальний рік",
        [
            (8, "Хто вже склав КТП за новою програмою? Скільки годин відводите на розвиток мовлення?"),
            (7, "У нас 10 годин на рік, розподіляємо рівномірно по семестрах."),
        ],
        None,
    ),
    (
        "vpr-experts",
        "Спорный случай: засчитывать ли решение без единиц измерения?",
        [
            (
                1,
                "В задании 8 ответ верный, но без единиц измерения. Критерии прямо не говорят. Как оцениваете?",
            ),
            (2, "По разъяснениям прошлого года — балл не снижаем, если единицы однозначны из условия."),
        ],
        2,
    ),
    (
        "gymnasium-1",
        "Открытые уроки в ноябре: расписание",
        [
            (0, "Коллеги, прошу до пятницы записаться на открытые уроки в ноябре."),
            (5, "Записываюсь на 14 ноября, 3 урок, 6 «Б»."),
        ],
        None,
    ),
]

# Discussions where colleagues mention each other by name (issue 20): `@{n}` is the n-th member of the
# community's cast, written as the stable reference `@[Full Name](user:id)` the @ autocomplete inserts.
# A quote keeps the mention of the post it quotes (and notifies nobody again).
MENTION_TOPICS = [
    (
        "math-club",
        "Кто вёл «математический бой» в 6 классе?",
        [
            (
                1,
                "Хотим провести математический бой между 6 «А» и 6 «Б». @{3}, вы в прошлом году проводили — "
                "поделитесь правилами? И @{4}, кажется, у вас были задачи с решениями.",
            ),
            (
                3,
                "> **Коллега:** @{3}, вы в прошлом году проводили — поделитесь правилами?\n\n"
                "Да! Команды по 6 человек, капитан выбирает докладчика, жюри — из старшеклассников. "
                "Задачи пришлю в «Материалы». @{1}, начните с 5 задач, не больше.",
            ),
            (4, "Мои задачи с решениями — в «Материалах», папка «Бои». @{1}, @{3}, зовите на финал!"),
        ],
    ),
    (
        "mo-ukrainian",
        "Спільний диктант до Дня писемності",
        [
            (
                2,
                "Пропоную написати спільний диктант усім МО. @{5}, ви минулого року підбирали текст — "
                "можете поділитися?",
            ),
            (5, "Так, надішлю сьогодні. @{2}, додам ще варіант для 5 класу, коротший."),
        ],
    ),
]

MATERIALS = [
    (
        "math-club",
        "Урок «Деление дробей» с полосками",
        MaterialKind.LESSON_PLAN,
        "math",
        5,
        5,
        "дроби, 5 класс",
        "Технологическая карта урока: мотивация через задачу о пицце, работа с полосками в парах, "
        "вывод правила, самостоятельная работа на три уровня.",
    ),
    (
        "math-club",
        "Рабочий лист «Проценты вокруг нас»",
        MaterialKind.WORKSHEET,
        "math",
        6,
        7,
        "проценты, ВПР",
        "12 задач из жизни: скидки, вклады, состав продуктов. С ответами для самопроверки.",
    ),
    (
        "mo-ukrainian",
        "Презентація «Складні речення: схеми та приклади»",
        MaterialKind.PRESENTATION,
        "ukrainian",
        9,
        9,
        "синтаксис, 9 клас",
        "20 слайдів зі схемами та прикладами з художньої літератури. Зручно для повторення.",
    ),
    (
        "math-club",
        "Рабочий лист «Сравнение дробей»",
        MaterialKind.WORKSHEET,
        "math",
        5,
        6,
        "дроби, 5 класс, самостоятельная работа",
        "Восемь заданий на сравнение дробей с одинаковыми и разными знаменателями, **с ответами** на обороте. "
        "Распечатайте в формате A4.",
    ),
    (
        "math-club",
        "Презентация «Координатная плоскость»",
        MaterialKind.PRESENTATION,
        "math",
        6,
        6,
        "координаты, 6 класс",
        "Слайды к первому уроку: оси, четверти, как отметить точку. Игра «Морской бой» в конце урока.",
    ),
    (
        "vpr-experts",
        "Критерии оценивания ВПР по биологии, 6 класс",
        MaterialKind.METHODOLOGY,
        "biology",
        6,
        6,
        "ВПР, критерии, биология",
        "Разбор критериев с примерами ответов учеников: где ставить полный балл, где — частичный.",
    ),
    (
        "vpr-experts",
        "Тренировочный вариант ВПР по истории, 5 класс",
        MaterialKind.WORKSHEET,
        "history",
        5,
        5,
        "ВПР, история",
        "Вариант в формате ВПР: работа с картой, датами и иллюстрациями. Ключи для учителя — в конце.",
    ),
    (
        "gymnasium-1",
        "Методичка «Проектная неделя в 8 классах»",
        MaterialKind.METHODOLOGY,
        "",
        8,
        8,
        "проекты, внеурочная деятельность",
        "Как мы провели проектную неделю: расписание, темы проектов, лист оценки защиты.",
    ),
    (
        "mo-ukrainian",
        "Диктанти з пропусками для 6 класу",
        MaterialKind.WORKSHEET,
        "ukrainian",
        6,
        6,
        "орфографія, 6 клас, диктант",
        "Десять коротких текстів з пропусками на правопис префіксів і суфіксів. Є ключі для перевірки.",
    ),
]

# Files of some demo materials (made here, so the repository holds no binary): a PDF and an image to
# show the library's preview.
MATERIAL_FILES = {
    "Рабочий лист «Сравнение дробей»": "pdf",
    "Диктанти з пропусками для 6 класу": "pdf",
    "Презентация «Координатная плоскость»": "png",
}


def _material_file(title: str, kind: str, lines: list[str]):
    """A small real file for a demo material: a one-page PDF with its text (ReportLab, the shipped Cyrillic
    font) or a PNG drawing of a coordinate plane (Pillow)."""
    import io
    from pathlib import Path

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    if kind == "pdf":
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        font = Path(settings.BASE_DIR) / "static" / "fonts" / "DejaVuSans.ttf"
        pdfmetrics.registerFont(TTFont("DemoSans", str(font)))
        sheet = canvas.Canvas(buffer, pagesize=A4)
        sheet.setTitle(title)
        sheet.setFont("DemoSans", 18)
        sheet.drawString(56, 780, title)
        sheet.setFont("DemoSans", 12)
        for i, line in enumerate(lines):
            sheet.drawString(56, 740 - 24 * i, line)
        sheet.showPage()
        sheet.save()
        return SimpleUploadedFile(f"{title[:40]}.pdf", buffer.getvalue())
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 420), "white")
    draw = ImageDraw.Draw(image)
    for x in range(20, 640, 40):
        draw.line([(x, 0), (x, 420)], fill="#e3e8ef")
    for y in range(10, 420, 40):
        draw.line([(0, y), (640, y)], fill="#e3e8ef")
    draw.line([(0, 210), (640, 210)], fill="#1f3b63", width=3)
    draw.line([(300, 0), (300, 420)], fill="#1f3b63", width=3)
    for x, y, colour in ((420, 130, "#d9480f"), (180, 290, "#2b8a3e"), (460, 330, "#1971c2")):
        draw.ellipse([(x - 8, y - 8), (x + 8, y + 8)], fill=colour)
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("координатная-плоскость.png", buffer.getvalue())


MATERIAL_FILE_LINES = {
    "Рабочий лист «Сравнение дробей»": [
        "1. Сравните: 3/8 и 5/8.",
        "2. Сравните: 2/3 и 3/4.",
        "3. Расположите в порядке возрастания: 1/2, 2/5, 3/10.",
        "4. Какая дробь ближе к единице: 7/8 или 8/9?",
    ],
    "Диктанти з пропусками для 6 класу": [
        "1. Пр..красний ранок, пр..йшли до школи.",
        "2. З..бравшись у дорогу, ми взяли карту.",
        "3. Бе..страшний козак ро..повів історію.",
    ],
}

EVENTS = [
    (
        "math-club",
        "Круглый стол «Функциональная грамотность на уроках математики»",
        EventKind.ROUND_TABLE,
        5,
        30,
        "Актовый зал Гимназии № 1",
        "",
    ),
    (
        "math-club",
        "Мастер-класс «Геометрия руками: оригами и построения»",
        EventKind.MASTER_CLASS,
        12,
        15,
        "",
        "https://meet.example.org/geometry",
    ),
    (
        "mo-ukrainian",
        "Вебінар «Підготовка до НМТ з української мови»",
        EventKind.WEBINAR,
        8,
        None,
        "",
        "https://meet.example.org/nmt",
    ),
    (
        "gymnasium-1",
        "Конкурс профессионального мастерства «Учитель года — школьный этап»",
        EventKind.CONTEST,
        20,
        10,
        "Гимназия № 1, кабинет 204",
        "",
    ),
]


UKRAINIAN_LETTERS = re.compile(r"[ІіЇїЄєҐґ]")
CYRILLIC_LETTERS = re.compile(r"[А-Яа-яЁё]")

# The welcome topic of each cohort's space, by the course's language: (title, [(teacher index or None for the
# curator, body), ...]).
COHORT_WELCOME = {
    "ru": (
        "Знакомство и вопросы по потоку",
        [
            (
                None,
                "Здравствуйте, коллеги! Это пространство нашего потока. Представьтесь, пожалуйста: какой предмет "
                "вы ведёте и что хотите взять с курса в свою работу. Вопросы по заданиям тоже можно задавать здесь.",
            ),
            (
                0,
                "Добрый день! Я учитель начальных классов, в школе шестой год. Хочу научиться давать детям **обратную "
                "связь**, которой они действительно пользуются.",
            ),
            (
                1,
                "Здравствуйте! Веду историю в 5–9 классах. Подскажите, можно ли выполнить практическую работу первого "
                "модуля на материале внеурочного занятия?",
            ),
            (
                None,
                "Да, можно. Главное — опишите цели занятия и то, по каким признакам вы поняли, что они достигнуты.",
            ),
        ],
    ),
    "uk": (
        "Знайомство та запитання щодо потоку",
        [
            (
                None,
                "Вітаю, колеги! Це простір нашого потоку. Будь ласка, представтеся: який предмет викладаєте і що "
                "хочете взяти з курсу у свою роботу. Запитання щодо завдань теж можна ставити тут.",
            ),
            (
                0,
                "Добрий день! Я вчителька початкових класів, працюю в школі шостий рік. Хочу навчитися давати дітям "
                "**зворотний зв'язок**, яким вони справді користуються.",
            ),
            (
                1,
                "Вітаю! Викладаю історію в 5–9 класах. Підкажіть, чи можна виконати практичну роботу першого модуля "
                "на матеріалі позакласного заняття?",
            ),
            (
                None,
                "Так, можна. Головне — опишіть цілі заняття і те, за якими ознаками ви зрозуміли, що їх досягнуто.",
            ),
        ],
    ),
    "en": (
        "Introductions and questions about the cohort",
        [
            (
                None,
                "Hello, colleagues! This is our cohort's space. Please introduce yourselves: what do you teach, and "
                "what would you like to take from the course into your classroom? Questions about tasks go here too.",
            ),
            (
                0,
                "Hi! I teach primary classes and this is my sixth year at school. I want to learn to give **feedback** "
                "that pupils actually use.",
            ),
            (
                1,
                "Hello! I teach history in grades 5–9. May I do the first module's practical task on an after-school "
                "club session?",
            ),
            (
                None,
                "Yes, you may. Describe the session's goals and how you could tell that they were reached.",
            ),
        ],
    ),
}


def _with_mentions(text: str, cast: list) -> str:
    """`@{n}` → the stable reference to the n-th person of the cast, as the @ autocomplete writes it."""

    def reference(found: re.Match) -> str:
        person = cast[int(found.group(1)) % len(cast)]
        return markup.mention_reference(person.pk, person.display_name)

    return re.sub(r"@\{(\d+)\}", reference, text)


def _member(community: Community, user, role: str = MemberRole.MEMBER) -> None:
    Membership.objects.get_or_create(community=community, user=user, defaults={"role": role})


def seed(people: dict) -> None:
    teachers = people["teachers"]
    methodologists = people["methodologists"]
    subjects = {s.code: s for s in people["subjects"]}
    now = timezone.now()

    communities = {}
    for spec in COMMUNITIES:
        community, _created = Community.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "is_closed": spec["closed"],
                "description": spec["description"],
                "rules": spec["rules"],
                "subject": subjects.get(spec["subject"]),
            },
        )
        communities[spec["slug"]] = community
    # Moderators and members: the first teachers take part everywhere so the demo teacher sees content.
    _member(communities["math-club"], methodologists[0], MemberRole.MODERATOR)
    _member(communities["mo-ukrainian"], methodologists[1], MemberRole.MODERATOR)
    _member(communities["vpr-experts"], methodologists[0], MemberRole.MODERATOR)
    _member(communities["gymnasium-1"], people["school_admins"][0], MemberRole.MODERATOR)
    for teacher in teachers[:12]:
        _member(communities["math-club"], teacher)
        _member(communities["mo-ukrainian"], teacher)
    for teacher in teachers[:4]:
        _member(communities["vpr-experts"], teacher)
    school = people["schools"][0]
    for teacher in [t for t in teachers if t.school_id == school.pk][:10]:
        _member(communities["gymnasium-1"], teacher)
    for teacher in teachers[12:15]:  # waiting for approval
        Membership.objects.get_or_create(
            community=communities["vpr-experts"],
            user=teacher,
            defaults={"state": "pending", "request_message": "Я эксперт ВПР с 2021 года."},
        )

    for slug, title, posts, solution in TOPICS:
        community = communities[slug]
        cast = [
            m.user
            for m in Membership.objects.filter(community=community, state="active")
            .select_related("user")
            .order_by("-role", "user__email")
        ]
        if Topic.objects.filter(community=community, title=title).exists():
            continue
        topic = Topic.objects.create(
            community=community, title=title, author=cast[posts[0][0] % len(cast)], last_post_at=now
        )
        created = []
        for author_index, body in posts:
            created.append(
                services._post_add(
                    topic=topic,
                    author=cast[author_index % len(cast)],
                    body=body,
                    body_html=markup.render(body, profile="post"),
                    files=(),
                    reply_to=created[0] if created else None,
                )
            )
        for index, post in enumerate(created[1:]):
            kinds = DEMO_REACTIONS if index % 2 == 0 else DEMO_REACTIONS[:4]
            for reader, kind in zip(cast, kinds, strict=False):
                if reader.pk != post.author_id:
                    Reaction.objects.get_or_create(post=post, user=reader, kind=kind)
            post.useful_count = post.reactions.filter(kind=ReactionKind.USEFUL).count()
            post.save(update_fields=["useful_count"])
        if solution:
            Topic.objects.filter(pk=topic.pk).update(solution=created[solution - 1])

    # One edited reply with its history (what a moderator sees): its first version had only the first paragraph.
    edited = (
        Post.objects.filter(topic__community=communities["math-club"], number=2, body__contains="\n\n")
        .order_by("pk")
        .first()
    )
    if edited is not None and not PostRevision.objects.filter(post=edited).exists():
        when = now - timedelta(hours=2)
        PostRevision.objects.create(
            post=edited, body=edited.body.split("\n\n")[0], edited_by=edited.author, edited_at=when
        )
        Post.objects.filter(pk=edited.pk).update(edited_at=when)
    for slug, title, posts in MENTION_TOPICS:
        community = communities[slug]
        if Topic.objects.filter(community=community, title=title).exists():
            continue
        cast = [
            m.user
            for m in Membership.objects.filter(community=community, state="active")
            .select_related("user")
            .order_by("-role", "user__email")
        ]
        topic = Topic.objects.create(
            community=community, title=title, author=cast[posts[0][0] % len(cast)], last_post_at=now
        )
        first = None
        for author_index, text in posts:
            body = _with_mentions(text, cast)
            post = services._post_add(
                topic=topic,
                author=cast[author_index % len(cast)],
                body=body,
                body_html=markup.render(body, profile="post"),
                files=(),
                reply_to=first,
            )
            first = first or post

    # Drafts of the demo teacher (decision 0241): a half-written reply and a new topic not yet published.
    writer = teachers[0]
    first_topic = Topic.objects.filter(community=communities["math-club"]).order_by("pk").first()
    if first_topic is not None:
        Draft.objects.get_or_create(
            user=writer,
            community=communities["math-club"],
            topic=first_topic,
            defaults={
                "body": "Я бы добавила к этому работу с **числовой прямой**: дети сами отмечают 1/4, 2/4 и 3/4,\n"
                "а потом"
            },
        )
    Draft.objects.get_or_create(
        user=writer,
        community=communities["mo-ukrainian"],
        topic=None,
        defaults={
            "title": "Диктанти з пропусками для 6 класу",
            "body": "Колеги, хто вже пробував диктанти з пропусками на уроках? Поділіться, будь ласка,",
        },
    )

    # What the demo teacher has read (decision 0381): the first maths topic to the end, the second only its
    # question, the third muted (it leaves her lists and counts); the Ukrainian association on the
    # "normal" level counts only the topics she wrote in. Markers only move forward: seeding again is a no-op.
    math_topics = list(Topic.objects.filter(community=communities["math-club"]).order_by("pk")[:3])
    for topic, read_to in zip(math_topics[:2], (None, 1), strict=False):
        services.topic_mark_read(
            topic=topic, user=writer, number=topic.post_count if read_to is None else read_to
        )
    if len(math_topics) == 3:
        services.topic_set_following(topic=math_topics[2], user=writer, level=FollowLevel.MUTED)
    services.membership_set_following(
        community=communities["mo-ukrainian"], user=writer, level=FollowLevel.NORMAL, watch_new_topics=False
    )

    for slug, title, kind, subject, grade_from, grade_to, tags, description in MATERIALS:
        community = communities[slug]
        if Material.objects.filter(community=community, title=title).exists():
            continue
        cast = [
            m.user
            for m in Membership.objects.filter(community=community, state="active")
            .select_related("user")
            .order_by("user__email")
        ]
        material = Material.objects.create(
            community=community,
            author=cast[1],
            title=title,
            kind=kind,
            description=description,
            description_html=markup.render(description, profile="post"),
            subject=subjects.get(subject),
            grade_from=grade_from,
            grade_to=grade_to,
        )
        material.tags.set(services._tags_from(tags))
        if title in MATERIAL_FILES:
            kind_of_file = MATERIAL_FILES[title]
            services._attach_files(
                files=[_material_file(title, kind_of_file, MATERIAL_FILE_LINES.get(title, []))],
                user=material.author,
                material=material,
            )
        refresh_material_vectors(material_ids=[material.pk])  # what the services do (PostgreSQL only)
        for i, rater in enumerate(cast[2:7]):
            MaterialRating.objects.get_or_create(material=material, user=rater, defaults={"score": 5 - i % 2})
        ratings = list(material.ratings.values_list("score", flat=True))
        material.rating_count, material.rating_sum = len(ratings), sum(ratings)
        material.save(update_fields=["rating_count", "rating_sum"])
        text = "Спасибо, взяла в работу!" if slug != "mo-ukrainian" else "Дякую, дуже корисно!"
        MaterialComment.objects.create(
            material=material, author=cast[2], body=text, body_html=markup.render(text, profile="post")
        )

    for slug, title, kind, in_days, capacity, place, url in EVENTS:
        community = communities[slug]
        starts = (now + timedelta(days=in_days)).replace(hour=12, minute=0, second=0, microsecond=0)
        moderator = Membership.objects.filter(community=community, role=MemberRole.MODERATOR).first().user
        description = (
            "Запрошуємо всіх учасників спільноти."
            if slug == "mo-ukrainian"
            else "Приглашаем всех участников сообщества."
        )
        Event.objects.get_or_create(
            community=community,
            title=title,
            defaults={
                "kind": kind,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "time_zone": "Europe/Kyiv" if slug == "mo-ukrainian" else "Europe/Moscow",
                "place": place,
                "online_url": url,
                "capacity": capacity,
                "created_by": moderator,
                "description": description,
                "description_html": markup.render(description, profile="post"),
            },
        )
    past_start = (now - timedelta(days=14)).replace(hour=15, minute=0, second=0, microsecond=0)
    Event.objects.get_or_create(
        community=communities["math-club"],
        title="Вебинар «Задачи с параметром: разбор ЕГЭ»",
        defaults={
            "kind": EventKind.WEBINAR,
            "starts_at": past_start,
            "ends_at": past_start + timedelta(hours=1),
            "online_url": "https://meet.example.org/params",
            "recording_url": "https://video.example.org/params",
            "created_by": methodologists[0],
        },
    )

    _events_for_organisers(communities["math-club"], teachers, now)

    # The cohorts' own discussion spaces, with their teachers and curators.
    for cohort in Cohort.objects.exclude(status=Cohort.Status.DRAFT).select_related("course")[:10]:
        language = _language_of(cohort.course.title)
        with translation.override(language):  # the space's description is in the course's language
            services.cohort_community_sync(cohort=cohort)
        _cohort_welcome(Community.objects.get(cohort=cohort), language, now)


FULL_EVENT = "Мастер-класс «Смысловое чтение на уроках математики»"
REMINDED_EVENT = "Вебинар «Как проверять ВПР по математике: критерии 2026»"


def _events_for_organisers(community: Community, teachers: list, now) -> None:
    """A full event with a waiting list (3 places, 5 people), and one tomorrow whose registered teachers
    already got their "a day before" reminder. Through the services, so counts and queues are real."""
    organiser = Membership.objects.filter(community=community, role=MemberRole.MODERATOR).first().user
    people = [t for t in teachers if t.pk != organiser.pk][:8]
    for person in people:
        _member(community, person)
    starts = (now + timedelta(days=9)).replace(hour=15, minute=0, second=0, microsecond=0)
    description = "Разбираем приёмы работы с текстовыми задачами: пометки, схемы, пересказ условия."
    full, _created = Event.objects.get_or_create(
        community=community,
        title=FULL_EVENT,
        defaults={
            "kind": EventKind.MASTER_CLASS,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=1, minutes=30),
            "time_zone": "Asia/Yekaterinburg",
            "place": "Екатеринбург, ИРО, ауд. 12",
            "capacity": 3,
            "created_by": organiser,
            "description": description,
            "description_html": markup.render(description, profile="post"),
        },
    )
    for person in people[:5]:
        services.event_register(event=full, user=person)
    soon = now + timedelta(hours=20)
    description = "Критерии проверки, типичные ошибки, спорные случаи. Ссылка придёт записавшимся."
    reminded, _created = Event.objects.get_or_create(
        community=community,
        title=REMINDED_EVENT,
        defaults={
            "kind": EventKind.WEBINAR,
            "starts_at": soon,
            "ends_at": soon + timedelta(hours=1),
            "time_zone": "Europe/Moscow",
            "online_url": "https://meet.example.org/vpr-criteria",
            "created_by": organiser,
            "description": description,
            "description_html": markup.render(description, profile="post"),
        },
    )
    for person in people[3:7]:
        services.event_register(event=reminded, user=person)
    reminder_rule_run(rule="communities.reminders.event_reminders_due", now=now)


def _language_of(text: str) -> str:
    """The demo courses' language, told by their titles' letters: Ukrainian, Russian or English."""
    if UKRAINIAN_LETTERS.search(text):
        return "uk"
    return "ru" if CYRILLIC_LETTERS.search(text) else "en"


def _cohort_welcome(community: Community, language: str, now) -> None:
    """A curator's welcome topic with the teachers' first replies (if any have joined). Keyed on the space: one that already has a
    topic is left as it is (so a reworded text never adds a second one)."""
    if Topic.objects.filter(community=community).exists():
        return
    members = list(
        Membership.objects.filter(community=community, state="active")
        .select_related("user")
        .order_by("-role", "user__email")
    )
    curators = [m.user for m in members if m.role == MemberRole.MODERATOR]
    teachers = [m.user for m in members if m.role != MemberRole.MODERATOR]
    if not curators:
        return
    title, posts = COHORT_WELCOME[language]
    topic = Topic.objects.create(
        community=community, title=title, author=curators[0], last_post_at=now, is_pinned=True
    )
    first = None
    for author_index, body in posts:
        if author_index is not None and not teachers:
            break  # a space nobody has joined yet shows only the curator's welcome
        author = curators[0] if author_index is None else teachers[author_index % len(teachers)]
        post = services._post_add(
            topic=topic,
            author=author,
            body=body,
            body_html=markup.render(body, profile="post"),
            files=(),
            reply_to=first,
        )
        first = first or post
