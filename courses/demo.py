"""Demo data: the competency framework (courses/data/competencies.csv) and ~30 in-service courses in
Russian, Ukrainian and English, each with modules, lessons and assignments. Idempotent: keyed on slugs.

One file: it is data: the competency framework and ~30 demo courses in three languages, seeded by one
idempotent `seed`.
"""

import io
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import Level, Subject

from .models import Assignment, Competency, Course, Lesson, Module, Organisation, Signatory
from .search import refresh_search_vectors
from .services import competency_import_csv, quiz_create, quiz_question_create

CSV = Path(__file__).parent / "data" / "competencies.csv"
K = Lesson.Kind
F = Course.Format
L = Course.Level

# (slug, lang, title, summary, description, format, hours, level, competencies, subjects, school levels, status,
#  modules: [(module title, [(kind, lesson title, hours)], assignment title or "")])
COURSES = [
    (
        "digital-literacy-teacher",
        "ru",
        "Цифровая грамотность учителя: от презентации до онлайн-урока",
        "Осваиваем платформы, интерактивные доски и облачные документы, чтобы урок стал живым и в классе, и дистанционно.",
        "Курс для учителей, которые хотят уверенно пользоваться цифровыми инструментами. Разбираем российские образовательные платформы, совместную работу в облачных документах, интерактивные рабочие листы и правила цифровой безопасности.\n\nКаждый модуль заканчивается практикумом: вы готовите фрагмент своего урока и получаете комментарий куратора.",
        F.DISTANCE,
        36,
        L.INTRODUCTORY,
        ["DIG.1", "DIG.2", "DIG.3"],
        [],
        [],
        "published",
        [
            (
                "Цифровая среда школы",
                [
                    (K.VIDEO, "Обзор образовательных платформ", 2),
                    (K.TEXT, "Облачные документы для совместной работы", 2),
                    (K.MATERIAL, "Памятка: пароли и персональные данные", 1),
                ],
                "Карта цифровых инструментов моего класса",
            ),
            (
                "Интерактивный урок",
                [
                    (K.WEBINAR, "Вебинар: интерактивные рабочие листы", 2),
                    (K.PRACTICUM, "Практикум: собираем урок с квизом", 4),
                ],
                "Сценарий урока с цифровыми инструментами",
            ),
            (
                "Дистанционное занятие",
                [
                    (K.VIDEO, "Как вести онлайн-урок и удерживать внимание", 2),
                    (K.ROUND_TABLE, "Круглый стол: ошибки первых онлайн-уроков", 2),
                ],
                "",
            ),
        ],
    ),
    (
        "formative-assessment-practice",
        "ru",
        "Формирующее оценивание на каждом уроке",
        "Техники быстрой обратной связи, листы самооценки и критерии, которые понятны ученикам.",
        "Формирующее оценивание помогает увидеть, кто понял тему, ещё до контрольной. Вы освоите десяток техник — от «светофора» до «билета на выход», научитесь составлять критерии вместе с классом и планировать следующий урок по результатам.",
        F.BLENDED,
        24,
        L.BASIC,
        ["ASM.1", "ASM.2"],
        [],
        ["primary", "lower_secondary"],
        "published",
        [
            (
                "Зачем оценивать по-новому",
                [
                    (K.TEXT, "Формирующее и итоговое оценивание: в чём разница", 1),
                    (K.VIDEO, "Урок глазами ученика: запись с комментариями", 2),
                ],
                "",
            ),
            (
                "Техники обратной связи",
                [
                    (K.MASTER_CLASS, "Мастер-класс: десять техник за 45 минут", 3),
                    (K.PRACTICUM, "Практикум: билет на выход по вашей теме", 3),
                ],
                "Три техники формирующего оценивания в моём уроке",
            ),
            (
                "Критерии и рубрики",
                [(K.TEXT, "Как составить критерии вместе с классом", 2), (K.MATERIAL, "Шаблоны рубрик", 1)],
                "Рубрика для проверочной работы",
            ),
        ],
    ),
    (
        "inclusive-education-basics",
        "ru",
        "Инклюзивное образование: ребёнок с ОВЗ в обычном классе",
        "Как адаптировать задания, темп и среду урока по рекомендациям ПМПК и не оставить без внимания остальных.",
        "Практический курс для учителей-предметников и классных руководителей. Разбираем нормативную базу, адаптированные программы, приёмы работы с детьми с ТНР, ЗПР и РАС, взаимодействие с тьютором и родителями.",
        F.DISTANCE,
        72,
        L.BASIC,
        ["INC.1", "INC.2", "COM.1"],
        [],
        [],
        "published",
        [
            (
                "Нормативная база и роли",
                [
                    (K.TEXT, "Заключение ПМПК: как его читать", 2),
                    (K.WEBINAR, "Вебинар: учитель, тьютор, дефектолог", 2),
                ],
                "",
            ),
            (
                "Адаптация урока",
                [
                    (K.VIDEO, "Адаптированное задание: до и после", 3),
                    (K.PRACTICUM, "Практикум: адаптируем рабочий лист", 4),
                ],
                "Адаптированный план урока для конкретного ученика",
            ),
            (
                "Класс как команда",
                [
                    (K.ROUND_TABLE, "Круглый стол: как говорить с классом об особенностях", 2),
                    (K.TEXT, "Поведенческие трудности: стратегия спокойного учителя", 2),
                ],
                "Кейс: трудная ситуация на уроке",
            ),
        ],
    ),
    (
        "updated-fgos-work-programme",
        "ru",
        "Обновлённые ФГОС: рабочая программа без стресса",
        "Пошагово составляем рабочую программу в федеральном конструкторе и связываем результаты с уроками.",
        "Курс о требованиях обновлённых ФГОС начального и основного общего образования. Разбираем структуру рабочей программы, тематическое планирование, функциональную грамотность и воспитательный компонент.",
        F.DISTANCE,
        36,
        L.BASIC,
        ["STD.1", "ASM.3"],
        [],
        ["primary", "lower_secondary", "upper_secondary"],
        "published",
        [
            (
                "Что изменилось в стандартах",
                [
                    (K.TEXT, "Обновлённые ФГОС: главное за 20 минут", 1),
                    (K.VIDEO, "Запись лекции: результаты обучения", 2),
                ],
                "",
            ),
            (
                "Конструктор рабочих программ",
                [
                    (K.PRACTICUM, "Практикум: программа в конструкторе", 4),
                    (K.MATERIAL, "Чек-лист проверки программы", 1),
                ],
                "Рабочая программа по вашему предмету",
            ),
        ],
    ),
    (
        "working-with-parents",
        "ru",
        "Учитель и родители: доверие вместо конфликта",
        "Родительские собрания, которые хочется посетить, трудные разговоры и переписка в мессенджерах.",
        "Курс поможет выстроить партнёрские отношения с семьями учеников. Вы научитесь готовить содержательные собрания, вести трудные разговоры по алгоритму, отвечать на претензии и договариваться о правилах общения в чатах.",
        F.BLENDED,
        18,
        L.INTRODUCTORY,
        ["COM.1", "COM.2"],
        [],
        [],
        "published",
        [
            (
                "Основы общения с семьёй",
                [
                    (K.TEXT, "Позиция партнёра: что ждут родители", 1),
                    (K.VIDEO, "Разбор реальных переписок", 2),
                ],
                "",
            ),
            (
                "Трудные разговоры",
                [
                    (K.MASTER_CLASS, "Мастер-класс: алгоритм трудного разговора", 2),
                    (K.PRACTICUM, "Ролевая игра: родитель недоволен оценкой", 3),
                ],
                "План родительского собрания",
            ),
        ],
    ),
    (
        "project-method-school",
        "ru",
        "Проектный метод: от идеи ученика до защиты",
        "Как вести индивидуальный проект в 9–11 классах: темы, этапы, оценивание и защита.",
        "Курс для руководителей индивидуальных проектов. Рассматриваем типы проектов, формулировку проблемы и цели, планирование, работу с источниками, оформление и критерии оценивания защиты.",
        F.DISTANCE,
        36,
        L.BASIC,
        ["STD.2", "ASM.2"],
        [],
        ["lower_secondary", "upper_secondary"],
        "published",
        [
            (
                "Замысел проекта",
                [(K.TEXT, "Проблема, цель, продукт", 2), (K.VIDEO, "Как помочь ученику выбрать тему", 2)],
                "",
            ),
            (
                "Сопровождение",
                [
                    (K.WEBINAR, "Вебинар: консультации без «сделаю за тебя»", 2),
                    (K.MATERIAL, "Дневник проекта (шаблон)", 1),
                ],
                "Паспорт ученического проекта",
            ),
            (
                "Защита и оценивание",
                [
                    (K.ROUND_TABLE, "Круглый стол: критерии защиты", 2),
                    (K.PRACTICUM, "Практикум: оцениваем защиту по записи", 3),
                ],
                "",
            ),
        ],
    ),
    (
        "mentoring-young-teachers",
        "ru",
        "Наставничество молодых педагогов",
        "Как наставнику ставить цели, посещать уроки и давать обратную связь, которая помогает расти.",
        "Для опытных учителей, которые сопровождают коллег в первые годы работы. Целевая модель наставничества, индивидуальный план развития, посещение и анализ уроков, развивающая обратная связь.",
        F.BLENDED,
        24,
        L.ADVANCED,
        ["SLF.2", "SLF.4"],
        [],
        [],
        "published",
        [
            (
                "Роль наставника",
                [(K.TEXT, "Целевая модель наставничества", 1), (K.VIDEO, "Первая встреча с подопечным", 2)],
                "",
            ),
            (
                "Посещение уроков",
                [
                    (K.PRACTICUM, "Практикум: анализ урока по видеозаписи", 4),
                    (K.MASTER_CLASS, "Мастер-класс: обратная связь по модели SBI", 2),
                ],
                "Индивидуальный план развития подопечного",
            ),
        ],
    ),
    (
        "burnout-prevention",
        "ru",
        "Профилактика профессионального выгорания",
        "Распознаём признаки выгорания, планируем нагрузку и учимся восстанавливаться без чувства вины.",
        "Курс о том, как сохранить интерес к профессии. Психологи и опытные учителя рассказывают о стадиях выгорания, приёмах саморегуляции, планировании недели, границах в общении с родителями и администрацией.",
        F.DISTANCE,
        16,
        L.INTRODUCTORY,
        ["SLF.1"],
        [],
        [],
        "published",
        [
            (
                "Что такое выгорание",
                [
                    (K.VIDEO, "Стадии выгорания: лекция психолога", 2),
                    (K.TEXT, "Самодиагностика: опросник Маслач", 1),
                ],
                "",
            ),
            (
                "Ресурсы и границы",
                [
                    (K.WEBINAR, "Вебинар: техники саморегуляции", 2),
                    (K.PRACTICUM, "Практикум: планирую свою неделю", 2),
                ],
                "Мой план восстановления",
            ),
        ],
    ),
    (
        "professional-contest-prep",
        "ru",
        "Подготовка к конкурсу «Учитель года»",
        "Конкурсный урок, эссе, методический семинар и самопрезентация — с разбором выступлений победителей.",
        "Интенсив для участников муниципального и регионального этапов конкурсов профессионального мастерства. Каждое испытание разбираем на примерах и репетируем с обратной связью экспертов.",
        F.IN_PERSON,
        24,
        L.ADVANCED,
        ["SLF.3"],
        [],
        [],
        "published",
        [
            (
                "Конкурсные испытания",
                [
                    (K.TEXT, "Положение о конкурсе: на что смотрят эксперты", 1),
                    (K.VIDEO, "Разбор уроков победителей", 3),
                ],
                "",
            ),
            (
                "Репетиции",
                [
                    (K.MASTER_CLASS, "Мастер-класс: самопрезентация за 5 минут", 2),
                    (K.PRACTICUM, "Репетиция конкурсного урока", 4),
                ],
                "Эссе «Я — учитель»",
            ),
        ],
    ),
    (
        "functional-literacy-math",
        "ru",
        "Математическая грамотность: задачи из жизни",
        "Составляем контекстные задачи в формате PISA и учим учеников переводить жизненную ситуацию на язык математики.",
        "Курс для учителей математики 5–9 классов. Разбираем структуру заданий на математическую грамотность, банк заданий ФИПИ, критерии оценивания и типичные ошибки учеников.",
        F.DISTANCE,
        36,
        L.BASIC,
        ["ASM.3"],
        ["math"],
        ["lower_secondary"],
        "published",
        [
            (
                "Что такое математическая грамотность",
                [(K.TEXT, "Контекст, ситуация, модель", 2), (K.VIDEO, "Разбор заданий PISA", 2)],
                "",
            ),
            (
                "Составляем задания",
                [
                    (K.PRACTICUM, "Практикум: задача про школьную столовую", 3),
                    (K.MATERIAL, "Банк контекстных задач", 1),
                ],
                "Комплект из трёх контекстных задач",
            ),
        ],
    ),
    (
        "reading-literacy-all-subjects",
        "ru",
        "Смысловое чтение на любом предмете",
        "Приёмы работы с текстом учебника, графиком и инструкцией — для учителей всех предметов.",
        "Читательская грамотность — общая задача школы. На курсе вы освоите стратегии до, во время и после чтения, научитесь составлять вопросы разных уровней и проверять понимание текста.",
        F.DISTANCE,
        24,
        L.BASIC,
        ["STD.3", "ASM.3"],
        ["russian", "history", "biology"],
        ["lower_secondary"],
        "published",
        [
            (
                "Стратегии чтения",
                [
                    (K.TEXT, "Стратегии до, во время и после чтения", 2),
                    (K.VIDEO, "Урок истории с приёмом «инсерт»", 2),
                ],
                "",
            ),
            (
                "Вопросы к тексту",
                [(K.PRACTICUM, "Практикум: вопросы трёх уровней", 3)],
                "Задание на смысловое чтение по вашему предмету",
            ),
        ],
    ),
    (
        "ai-for-teachers",
        "ru",
        "Искусственный интеллект в работе учителя",
        "Как нейросети помогают готовить задания и где им нельзя доверять: практика и этика.",
        "Курс о генеративных моделях для учителей: подготовка вариантов заданий, адаптация текстов, проверка фактов, риски списывания и правила использования ИИ учениками.",
        F.DISTANCE,
        18,
        L.INTRODUCTORY,
        ["DIG.4", "DIG.3"],
        ["informatics"],
        [],
        "published",
        [
            (
                "Возможности и ограничения",
                [(K.VIDEO, "Как устроены языковые модели", 2), (K.TEXT, "Галлюцинации и проверка фактов", 1)],
                "",
            ),
            (
                "Практика",
                [
                    (K.PRACTICUM, "Практикум: генерируем и правим задания", 3),
                    (K.ROUND_TABLE, "Круглый стол: правила ИИ для учеников", 2),
                ],
                "Набор заданий, подготовленный с ИИ, с вашей правкой",
            ),
        ],
    ),
    (
        "gifted-children-support",
        "ru",
        "Работа с одарёнными детьми: олимпиады и исследования",
        "Выявление, индивидуальный маршрут и подготовка к олимпиадам без перегрузки ученика.",
        "Для учителей, готовящих школьников к олимпиадам и конференциям. Диагностика способностей, индивидуальные образовательные маршруты, система задач повышенной сложности, профилактика перегрузки.",
        F.BLENDED,
        36,
        L.ADVANCED,
        ["INC.3", "STD.2"],
        ["math", "physics", "chemistry"],
        ["lower_secondary", "upper_secondary"],
        "published",
        [
            (
                "Выявление",
                [(K.TEXT, "Признаки одарённости", 1), (K.WEBINAR, "Вебинар: диагностика способностей", 2)],
                "",
            ),
            (
                "Маршрут ученика",
                [
                    (K.PRACTICUM, "Практикум: индивидуальный маршрут", 3),
                    (K.MATERIAL, "Подборка олимпиадных задач", 1),
                ],
                "Индивидуальный образовательный маршрут",
            ),
        ],
    ),
    (
        "classroom-management",
        "ru",
        "Управление классом: дисциплина без крика",
        "Правила, ритуалы и реакции на нарушения, которые работают в 5–7 классах.",
        "Практический курс для молодых учителей и всех, кому трудно удерживать внимание класса. Правила и процедуры, начало урока, работа с нарушителями, поддерживающая атмосфера.",
        F.IN_PERSON,
        16,
        L.INTRODUCTORY,
        ["INC.2"],
        [],
        ["lower_secondary"],
        "published",
        [
            (
                "Правила и процедуры",
                [(K.TEXT, "Первые пять минут урока", 1), (K.MASTER_CLASS, "Мастер-класс: ритуалы класса", 2)],
                "",
            ),
            (
                "Трудные ситуации",
                [(K.PRACTICUM, "Практикум: реакция на нарушение", 3)],
                "План работы с классом на четверть",
            ),
        ],
    ),
    (
        "educational-work-class-teacher",
        "ru",
        "Классный руководитель: воспитательная работа по обновлённым ФГОС",
        "Рабочая программа воспитания, «Разговоры о важном» и работа с классом как с командой.",
        "Курс о содержании и формах воспитательной работы классного руководителя: программа воспитания, внеурочные занятия, работа с семьями, профилактика буллинга.",
        F.DISTANCE,
        36,
        L.BASIC,
        ["STD.4", "COM.1"],
        [],
        [],
        "published",
        [
            (
                "Программа воспитания",
                [
                    (K.TEXT, "Программа воспитания школы и класса", 2),
                    (K.VIDEO, "«Разговоры о важном»: разбор занятий", 2),
                ],
                "",
            ),
            (
                "Класс как команда",
                [
                    (K.ROUND_TABLE, "Круглый стол: профилактика буллинга", 2),
                    (K.PRACTICUM, "Практикум: план классного часа", 2),
                ],
                "План воспитательной работы класса",
            ),
        ],
    ),
    (
        "oge-ege-results-analysis",
        "ru",
        "Анализ результатов ВПР, ОГЭ и ЕГЭ",
        "Как читать отчёты оценочных процедур и превращать их в план коррекции для класса.",
        "Для учителей и заместителей директора: структура отчётов, выявление дефицитов по элементам содержания, планирование коррекционной работы и повторной диагностики.",
        F.DISTANCE,
        18,
        L.ADVANCED,
        ["ASM.4"],
        [],
        ["lower_secondary", "upper_secondary"],
        "published",
        [
            ("Отчёты", [(K.TEXT, "Как устроен отчёт ВПР", 1), (K.VIDEO, "Разбор отчёта по классу", 2)], ""),
            (
                "План коррекции",
                [(K.PRACTICUM, "Практикум: план по результатам", 3)],
                "План коррекционной работы по результатам класса",
            ),
        ],
    ),
    (
        "blended-learning-design",
        "ru",
        "Смешанное обучение: модель «перевёрнутый класс»",
        "Проектируем урок, где теория изучается дома, а в классе — практика и обсуждение.",
        "Курс о моделях смешанного обучения: ротация станций, перевёрнутый класс, индивидуальная траектория. Вы спроектируете и проведёте урок по выбранной модели.",
        F.BLENDED,
        24,
        L.ADVANCED,
        ["DIG.2", "STD.1"],
        [],
        ["lower_secondary", "upper_secondary"],
        "published",
        [
            (
                "Модели",
                [
                    (K.TEXT, "Ротация станций и перевёрнутый класс", 2),
                    (K.VIDEO, "Урок по модели ротации: запись", 2),
                ],
                "",
            ),
            (
                "Проектирование",
                [(K.PRACTICUM, "Практикум: проектируем урок", 4)],
                "Проект урока по модели смешанного обучения",
            ),
        ],
    ),
    (
        "inclusive-autism-support",
        "ru",
        "Ребёнок с РАС на уроке: визуальная поддержка и структура",
        "Расписания, визуальные подсказки и предсказуемая среда для детей с расстройствами аутистического спектра.",
        "Углублённый курс для учителей, в классе которых учатся дети с РАС. Визуальная поддержка, структурирование пространства и времени, предупреждение нежелательного поведения.",
        F.DISTANCE,
        24,
        L.ADVANCED,
        ["INC.1", "INC.2"],
        ["primary"],
        ["primary"],
        "draft",
        [
            ("Особенности РАС", [(K.VIDEO, "Лекция: как ребёнок с РАС воспринимает урок", 2)], ""),
            (
                "Визуальная поддержка",
                [(K.PRACTICUM, "Практикум: визуальное расписание", 3)],
                "Визуальная поддержка для вашего ученика",
            ),
        ],
    ),
    # Ukrainian
    (
        "nush-formative-ua",
        "uk",
        "Формувальне оцінювання в Новій українській школі",
        "Як давати учням зворотний зв'язок, що мотивує, і вести свідчення навчання без зайвої паперової роботи.",
        "Курс для вчителів початкової та базової школи про формувальне оцінювання в НУШ: очікувані результати, критерії, самооцінювання і взаємооцінювання, портфоліо учня.",
        F.DISTANCE,
        30,
        L.BASIC,
        ["ASM.1", "ASM.2"],
        ["ukrainian", "primary"],
        ["primary"],
        "published",
        [
            (
                "Основи",
                [
                    (K.TEXT, "Очікувані результати і критерії", 2),
                    (K.VIDEO, "Урок з формувальним оцінюванням", 2),
                ],
                "",
            ),
            (
                "Практика",
                [
                    (K.PRACTICUM, "Практикум: лист самооцінювання", 3),
                    (K.ROUND_TABLE, "Круглий стіл: портфоліо учня", 2),
                ],
                "Критерії оцінювання для вашої теми",
            ),
        ],
    ),
    (
        "digital-tools-ua",
        "uk",
        "Цифрові інструменти вчителя: онлайн-дошки, тести, відео",
        "Практичний курс для тих, хто хоче урізноманітнити уроки й дистанційне навчання.",
        "Покроково опановуємо онлайн-дошки, конструктори тестів, створення коротких навчальних відео та організацію роботи класу в хмарі.",
        F.DISTANCE,
        30,
        L.INTRODUCTORY,
        ["DIG.1", "DIG.2"],
        [],
        [],
        "published",
        [
            (
                "Онлайн-дошки і тести",
                [(K.VIDEO, "Огляд онлайн-дошок", 2), (K.PRACTICUM, "Практикум: тест для вашого класу", 3)],
                "Інтерактивне завдання для уроку",
            ),
            (
                "Навчальне відео",
                [
                    (K.MASTER_CLASS, "Майстер-клас: відео за 10 хвилин", 2),
                    (K.TEXT, "Авторське право і відкриті ресурси", 1),
                ],
                "",
            ),
        ],
    ),
    (
        "inclusive-class-ua",
        "uk",
        "Інклюзивний клас: індивідуальна програма розвитку",
        "Як скласти ІПР разом з командою супроводу та адаптувати навчальні матеріали.",
        "Курс про командну роботу вчителя, асистента вчителя, психолога та батьків у інклюзивному класі, складання й оновлення індивідуальної програми розвитку.",
        F.BLENDED,
        30,
        L.BASIC,
        ["INC.1", "COM.1"],
        [],
        [],
        "published",
        [
            (
                "Команда супроводу",
                [(K.TEXT, "Ролі в команді супроводу", 1), (K.WEBINAR, "Вебінар: засідання команди", 2)],
                "",
            ),
            ("ІПР", [(K.PRACTICUM, "Практикум: складаємо ІПР", 4)], "Фрагмент ІПР для учня"),
        ],
    ),
    (
        "burnout-ua",
        "uk",
        "Професійне вигорання: як зберегти себе",
        "Саморегуляція, планування навантаження і межі у спілкуванні — для вчителів у складні часи.",
        "Курс психологічної підтримки педагогів: ознаки вигорання і стресу, техніки стабілізації, планування відпочинку, взаємопідтримка в колективі.",
        F.DISTANCE,
        15,
        L.INTRODUCTORY,
        ["SLF.1"],
        [],
        [],
        "published",
        [
            (
                "Стрес і вигорання",
                [(K.VIDEO, "Лекція: як стрес впливає на вчителя", 2), (K.TEXT, "Самодіагностика", 1)],
                "",
            ),
            ("Відновлення", [(K.PRACTICUM, "Практикум: техніки стабілізації", 2)], "Мій план підтримки себе"),
        ],
    ),
    (
        "parents-communication-ua",
        "uk",
        "Комунікація з батьками: від чату до партнерства",
        "Правила спілкування в месенджерах, батьківські збори та розв'язання конфліктів.",
        "Курс допоможе вчителям і класним керівникам вибудувати конструктивні стосунки з родинами учнів: правила чату, змістовні збори, медіація в конфліктах.",
        F.DISTANCE,
        15,
        L.BASIC,
        ["COM.1", "COM.2"],
        [],
        [],
        "published",
        [
            (
                "Комунікація",
                [(K.TEXT, "Правила класного чату", 1), (K.VIDEO, "Розбір складних повідомлень", 2)],
                "",
            ),
            (
                "Конфлікти",
                [(K.MASTER_CLASS, "Майстер-клас: медіативна розмова", 2)],
                "Сценарій батьківських зборів",
            ),
        ],
    ),
    (
        "project-learning-ua",
        "uk",
        "Проєктне навчання в базовій школі",
        "Міжпредметні проєкти від ідеї до презентації: планування, ролі в групі, оцінювання.",
        "Курс про організацію проєктної діяльності учнів 5–9 класів: вибір теми, планування, розподіл ролей, оцінювання процесу і продукту.",
        F.BLENDED,
        30,
        L.ADVANCED,
        ["STD.2"],
        ["history", "geography"],
        ["lower_secondary"],
        "published",
        [
            (
                "Планування проєкту",
                [(K.TEXT, "Від проблеми до продукту", 2), (K.WEBINAR, "Вебінар: ролі в групі", 2)],
                "",
            ),
            ("Оцінювання", [(K.PRACTICUM, "Практикум: рубрика проєкту", 3)], "План міжпредметного проєкту"),
        ],
    ),
    # English
    (
        "formative-assessment-en",
        "en",
        "Formative Assessment That Moves Learning Forward",
        "Exit tickets, hinge questions and feedback students act on — practical strategies for every subject.",
        "A practical course for teachers of all subjects. You will learn to design hinge questions, use exit tickets to plan the next lesson, and give feedback that students actually use. Every module ends with a task from your own classroom.",
        F.DISTANCE,
        24,
        L.BASIC,
        ["ASM.1", "ASM.2"],
        ["english"],
        [],
        "published",
        [
            (
                "Why formative assessment",
                [
                    (K.TEXT, "Assessment for learning: the five key strategies", 1),
                    (K.VIDEO, "A lesson with hinge questions", 2),
                ],
                "",
            ),
            (
                "Feedback",
                [
                    (K.MASTER_CLASS, "Master class: feedback that students act on", 2),
                    (K.PRACTICUM, "Practicum: redesign one piece of feedback", 3),
                ],
                "A formative assessment plan for one unit",
            ),
        ],
    ),
    (
        "english-teachers-clil",
        "en",
        "CLIL: Teaching Subject Content Through English",
        "Plan lessons that build subject knowledge and language together, with scaffolds for mixed-level classes.",
        "Content and Language Integrated Learning for English teachers and subject teachers who teach in English. Language of, for and through learning, scaffolding techniques and assessment of content and language.",
        F.BLENDED,
        36,
        L.ADVANCED,
        ["STD.1", "STD.3"],
        ["english", "biology", "geography"],
        ["lower_secondary", "upper_secondary"],
        "published",
        [
            (
                "CLIL principles",
                [(K.TEXT, "The 4Cs framework", 2), (K.VIDEO, "A CLIL geography lesson", 2)],
                "",
            ),
            (
                "Scaffolding",
                [
                    (K.WEBINAR, "Webinar: scaffolds for mixed-level classes", 2),
                    (K.PRACTICUM, "Practicum: plan a CLIL lesson", 4),
                ],
                "A CLIL lesson plan with scaffolds",
            ),
        ],
    ),
    (
        "digital-citizenship-en",
        "en",
        "Digital Citizenship and Online Safety in School",
        "Teach students to protect their data, spot misinformation and behave kindly online.",
        "A course for class teachers and informatics teachers on digital citizenship: privacy, misinformation, cyberbullying and healthy screen habits, with ready-to-use lesson ideas.",
        F.DISTANCE,
        16,
        L.INTRODUCTORY,
        ["DIG.3"],
        ["informatics"],
        [],
        "published",
        [
            (
                "Privacy and data",
                [
                    (K.TEXT, "What students share and why it matters", 1),
                    (K.VIDEO, "Passwords and two-factor authentication", 1),
                ],
                "",
            ),
            (
                "Misinformation and kindness",
                [
                    (K.ROUND_TABLE, "Round table: cyberbullying cases", 2),
                    (K.PRACTICUM, "Practicum: a fact-checking lesson", 2),
                ],
                "A digital citizenship lesson for your class",
            ),
        ],
    ),
    (
        "mentoring-en",
        "en",
        "Mentoring New Teachers: Coaching Conversations",
        "Observation, goal setting and coaching conversations that help early-career teachers grow.",
        "For experienced teachers who mentor colleagues in their first years. You will practise lesson observation, coaching questions and developmental feedback, and build an individual development plan with your mentee.",
        F.BLENDED,
        20,
        L.ADVANCED,
        ["SLF.2", "SLF.4"],
        [],
        [],
        "published",
        [
            (
                "The mentor's role",
                [
                    (K.TEXT, "Mentor, coach, evaluator: know the difference", 1),
                    (K.VIDEO, "A first mentoring meeting", 2),
                ],
                "",
            ),
            (
                "Coaching conversations",
                [
                    (K.MASTER_CLASS, "Master class: the GROW model", 2),
                    (K.PRACTICUM, "Practicum: observe and debrief a lesson", 3),
                ],
                "A development plan for your mentee",
            ),
        ],
    ),
    (
        "wellbeing-en",
        "en",
        "Teacher Wellbeing and Burnout Prevention",
        "Workload planning, boundaries and recovery habits for a sustainable teaching career.",
        "An evidence-informed course on teacher wellbeing: recognising burnout, managing workload, setting boundaries with parents and colleagues, and building recovery into the school week.",
        F.DISTANCE,
        12,
        L.INTRODUCTORY,
        ["SLF.1"],
        [],
        [],
        "published",
        [
            (
                "Understanding burnout",
                [(K.VIDEO, "Stress, burnout and what helps", 2), (K.TEXT, "Self-check questionnaire", 1)],
                "",
            ),
            (
                "Sustainable habits",
                [(K.WEBINAR, "Webinar: planning a sustainable week", 2)],
                "My wellbeing plan",
            ),
        ],
    ),
    (
        "project-based-learning-en",
        "en",
        "Project-Based Learning: Driving Questions to Public Products",
        "Design a project with a real audience, manage team work and assess both process and product.",
        "A hands-on course on project-based learning: writing driving questions, planning milestones, managing groups, and assessing collaboration and final products with rubrics.",
        F.IN_PERSON,
        30,
        L.BASIC,
        ["STD.2", "ASM.2"],
        ["physics", "informatics"],
        ["lower_secondary", "upper_secondary"],
        "archived",
        [
            (
                "Project design",
                [
                    (K.TEXT, "Writing a driving question", 1),
                    (K.VIDEO, "A student project from idea to exhibition", 2),
                ],
                "",
            ),
            (
                "Assessment",
                [(K.PRACTICUM, "Practicum: a project rubric", 3)],
                "A project plan with milestones",
            ),
        ],
    ),
]

INSTRUCTIONS = {
    "ru": "Выполните задание на материале своего класса. Опишите, что вы сделали, приложите файл, если он есть, и "
    "ответьте на вопрос: что получилось и что вы измените в следующий раз? Объём — 1–2 страницы.",
    "uk": "Виконайте завдання на матеріалі свого класу. Опишіть, що ви зробили, додайте файл, якщо він є, і дайте "
    "відповідь: що вдалося і що ви зміните наступного разу? Обсяг — 1–2 сторінки.",
    "en": "Complete the task with your own class in mind. Describe what you did, attach a file if you have one, and "
    "answer: what worked, and what will you change next time? One or two pages.",
}
LESSON_BODY = {
    "ru": "Прочитайте материал урока и отметьте два приёма, которые вы попробуете на ближайшей неделе.",
    "uk": "Опрацюйте матеріал уроку й позначте два прийоми, які спробуєте найближчого тижня.",
    "en": "Work through the lesson material and pick two techniques you will try next week.",
}
AUDIENCE = {
    "ru": "Учителя-предметники, классные руководители",
    "uk": "Вчителі-предметники, класні керівники",
    "en": "Subject teachers and class teachers",
}
DEMO_VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


REGION = {
    "name": "ГАУ ДПО ЯО «Институт развития образования»",
    "name_uk": "ДАУ ДПО ЯО «Інститут розвитку освіти»",
    "name_en": "Yaroslavl Region Institute of Education Development",
}
SIGNATORIES = [
    {
        "name": "О. Н. Белова",
        "name_uk": "О. М. Бєлова",
        "name_en": "O. Belova",
        "title": "Ректор",
        "title_uk": "Ректорка",
        "title_en": "Rector",
    },
    {
        "name": "Д. А. Соколов",
        "name_uk": "Д. О. Соколов",
        "name_en": "D. Sokolov",
        "title": "Руководитель центра непрерывного повышения профессионального мастерства",
        "title_uk": "Керівник центру безперервного підвищення професійної майстерності",
        "title_en": "Head of the Centre for Continuous Professional Development",
    },
]


def _png(draw_figure) -> bytes:
    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    draw_figure(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _logo(draw) -> None:
    draw.ellipse((8, 8, 232, 232), outline=(41, 84, 140), width=14)
    draw.polygon([(120, 40), (200, 190), (40, 190)], fill=(41, 84, 140))
    draw.rectangle((100, 120, 140, 190), fill=(255, 255, 255))


def _signature(draw) -> None:
    draw.line(
        [(20, 170), (70, 80), (100, 160), (140, 70), (170, 150), (220, 110)], fill=(20, 40, 120), width=7
    )


def organisation_seed() -> Organisation:
    """The region's institute with its logo (drawn here) and two signatories; demo courses are its."""
    organisation, created = Organisation.objects.get_or_create(name=REGION["name"], defaults=REGION)
    if created:
        organisation.logo.save("logo.png", ContentFile(_png(_logo)), save=True)
        for position, person in enumerate(SIGNATORIES, start=1):
            signatory = Signatory(organisation=organisation, position=position, **person)
            if position == 1:
                signatory.signature.save("signature.png", ContentFile(_png(_signature)), save=False)
            signatory.save()
    return organisation


def seed(people: dict) -> None:
    organisation = organisation_seed()
    with CSV.open("rb") as handle:
        competency_import_csv(file=handle)
    competencies = {c.code: c for c in Competency.objects.all()}
    subjects = {s.code: s for s in Subject.objects.all()}
    levels = {lvl.code: lvl for lvl in Level.objects.all()}
    methodologists = people.get("methodologists") or []
    by_lang = {"ru": methodologists[:1], "uk": methodologists[1:2], "en": methodologists[2:3]}
    now = timezone.now()
    touched = []
    for index, row in enumerate(COURSES):
        (
            slug,
            lang,
            title,
            summary,
            description,
            fmt,
            hours,
            level,
            comp_codes,
            subj_codes,
            level_codes,
            status,
            modules,
        ) = row
        course, created = Course.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "description": description,
                "format": fmt,
                "hours": hours,
                "level": level,
                "status": status,
                "target_audience": AUDIENCE[lang],
                "language": lang,
                "published_at": now - timezone.timedelta(days=3 * index) if status != "draft" else None,
            },
        )
        if not created:
            if course.language != lang:  # a demo made before courses had a language
                Course.objects.filter(pk=course.pk).update(language=lang)
            continue
        course.competencies.set([competencies[c] for c in comp_codes if c in competencies])
        course.subjects.set([subjects[s] for s in subj_codes if s in subjects])
        course.school_levels.set([levels[lv] for lv in level_codes if lv in levels])
        authors = by_lang.get(lang) or methodologists[:1]
        if index % 5 == 0 and len(methodologists) > 1:
            authors = [*authors, methodologists[(index // 5) % len(methodologists)]]
        course.authors.set({a.pk for a in authors})
        for m_pos, (m_title, lessons, assignment) in enumerate(modules, start=1):
            module = Module.objects.create(course=course, title=m_title, position=m_pos)
            Lesson.objects.bulk_create(
                Lesson(
                    module=module,
                    title=l_title,
                    kind=kind,
                    hours=Decimal(l_hours),
                    position=l_pos,
                    body=LESSON_BODY[lang],
                    video_url=DEMO_VIDEO if kind == K.VIDEO else "",
                    is_required=kind not in (K.ROUND_TABLE,),
                )
                for l_pos, (kind, l_title, l_hours) in enumerate(lessons, start=1)
            )
            if assignment:
                Assignment.objects.create(
                    module=module,
                    title=assignment,
                    instructions=INSTRUCTIONS[lang],
                    position=1,
                    submission_kind=Assignment.Submission.TEXT_AND_FILE,
                    max_score=10,
                    review_requires_comment=True,
                    due_days=7 * m_pos,
                )
        touched.append(course.pk)
    refresh_search_vectors(touched)
    # The demo's courses are the institute's (also on a demo made before organisations).
    Course.objects.filter(slug__in=[row[0] for row in COURSES], organisation__isnull=True).update(
        organisation=organisation
    )
    seed_quiz()


# The demo's quiz: a question bank of every kind on the Russian digital literacy course, and a timed quiz
# lesson drawing on it (cohorts/demo.py gives the running cohort's teachers attempts, for the statistics).
QUIZ_COURSE = "digital-literacy-teacher"
QUIZ_BANK = [
    {
        "kind": "single",
        "text": "Какой формат лучше всего подходит для совместной работы класса над одним текстом?",
        "choices": [
            {"text": "Облачный документ с совместным доступом", "is_correct": True},
            {
                "text": "Презентация, разосланная по почте",
                "feedback": "Каждый правит свою копию — совместной работы не выйдет.",
            },
            {"text": "Распечатанный конспект"},
            {"text": "Видеозапись урока"},
        ],
        "feedback": "В облачном документе все ученики видят правки друг друга и комментарии учителя.",
    },
    {
        "kind": "multiple",
        "points": 2,
        "text": "Какие инструменты дают учителю мгновенную обратную связь от всего класса?",
        "choices": [
            {"text": "Онлайн-опрос с показом результатов", "is_correct": True},
            {"text": "Интерактивные карточки (квиз)", "is_correct": True},
            {"text": "Домашнее сочинение", "feedback": "Сочинение проверяется после урока, не мгновенно."},
            {"text": "Электронная доска с общим полем для ответов", "is_correct": True},
        ],
    },
    {
        "kind": "true_false",
        "text": "Фотографии учеников можно публиковать на сайте школы без согласия родителей.",
        "true_false_answer": False,
        "feedback": "Нужно письменное согласие законных представителей: это персональные данные.",
    },
    {
        "kind": "short",
        "text": "Как называется модель, в которой ученики изучают теорию дома, а на уроке решают задачи?",
        "accepted_answers": "Перевёрнутый класс\nПеревернутый класс\nflipped classroom",
        "feedback": "Перевёрнутый класс (flipped classroom): объяснение — дома по видео, практика — в классе.",
    },
    {
        "kind": "numeric",
        "text": "Ролик для урока длится 12 минут; по правилу «не больше трети урока» сколько минут максимум "
        "можно показывать видео на 45-минутном уроке?",
        "numeric_answer": Decimal("15"),
        "tolerance": Decimal("0"),
        "feedback": "45 / 3 = 15 минут: ролик в 12 минут укладывается.",
    },
    {
        "kind": "matching",
        "points": 3,
        "text": "Сопоставьте задачу урока и цифровой инструмент.",
        "choices": [
            {"text": "Проверить понимание за 3 минуты", "match": "Быстрый онлайн-опрос"},
            {"text": "Собрать идеи класса", "match": "Виртуальная доска со стикерами"},
            {"text": "Написать проект вместе", "match": "Облачный документ"},
        ],
    },
    {
        "kind": "ordering",
        "points": 2,
        "text": "Расположите шаги подготовки онлайн-урока по порядку.",
        "choices": [
            {"text": "Сформулировать цель урока"},
            {"text": "Подобрать цифровые инструменты под цель"},
            {"text": "Проверить доступ учеников к платформе"},
            {"text": "Провести урок и собрать обратную связь"},
        ],
    },
]


def seed_quiz() -> None:
    """Idempotent: nothing happens when the course already has a question bank."""
    course = Course.objects.filter(slug=QUIZ_COURSE).first()
    if course is None or course.quiz_questions.exists():
        return
    module = course.modules.order_by("-position").first()
    if module is None:
        return
    questions = [
        quiz_question_create(course=course, topic="Цифровые инструменты", **{"points": 1, **row})
        for row in QUIZ_BANK
    ]
    lesson = Lesson.objects.create(
        module=module,
        title="Итоговый тест: цифровые инструменты на уроке",
        kind=Lesson.Kind.QUIZ,
        body="Семь вопросов по материалам курса. На попытку — 20 минут, ответы сохраняются сразу; "
        "после последней попытки вы увидите правильные ответы.",
        hours=Decimal("0.5"),
        position=module.lessons.count() + 1,
        is_required=True,
    )
    quiz_create(
        lesson=lesson,
        questions=questions,
        pass_percent=60,
        attempt_limit=2,
        time_limit_minutes=20,
        reveal_answers="after_last",
        shuffle=True,
    )
