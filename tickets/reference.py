"""Queues, topic categories and topics an installation starts with.

Managers edit them in the admin afterwards; this only creates what is missing.
Topics follow the operator's paper form (shared/domain.md, 1.3).
"""

QUEUES = [
    ("first_line", "Первая линия: интернет", "First line: internet"),
    ("tv_video", "ТВ и видеонаблюдение", "TV and video"),
    ("home_phone", "Домашний телефон", "Home phone"),
    ("mobile", "Мобильная связь", "Mobile"),
    ("billing", "Расчёты и тарифы", "Billing and tariffs"),
    ("connection", "Подключение и договоры", "Connection and contracts"),
    ("claims", "Претензии", "Claims"),
    ("business", "Поддержка бизнеса", "Business support"),
    ("field", "Выездные мастера", "Field technicians"),
    ("line", "Линейно-технический цех", "Line technicians"),
]

CATEGORIES = [
    ("technical", "Технические неполадки", "Technical problems", 10),
    ("money", "Финансы и тарифы", "Payments and tariffs", 20),
    ("contract", "Подключение и договор", "Connection and contract", 30),
    ("service", "Обслуживание", "Customer service", 40),
    ("claim", "Претензия", "Claim", 50),
]

# code, category, Russian, English, needs account or address, claim, visit, queue
TOPICS = [
    (
        "fault",
        "technical",
        "Техническая неисправность",
        "Technical fault",
        True,
        False,
        True,
        "first_line",
    ),
    (
        "slow",
        "technical",
        "Низкая скорость или обрывы",
        "Slow speed or drops",
        True,
        False,
        True,
        "first_line",
    ),
    (
        "setup",
        "technical",
        "Настройка оборудования",
        "Equipment setup",
        False,
        False,
        True,
        "first_line",
    ),
    (
        "equipment",
        "technical",
        "Оборудование: аренда, возврат, замена",
        "Equipment: rent, return, replacement",
        True,
        False,
        True,
        "connection",
    ),
    (
        "billing",
        "money",
        "Баланс, начисления, возврат денег",
        "Balance, charges, refunds",
        True,
        False,
        False,
        "billing",
    ),
    (
        "tariff",
        "money",
        "Смена тарифа",
        "Change of tariff",
        True,
        False,
        False,
        "billing",
    ),
    (
        "suspend",
        "money",
        "Добровольная блокировка",
        "Voluntary suspension",
        True,
        False,
        False,
        "billing",
    ),
    (
        "connect",
        "contract",
        "Подключение или отключение услуги",
        "Connect or disconnect a service",
        True,
        False,
        True,
        "connection",
    ),
    (
        "move",
        "contract",
        "Переезд, перенос услуги",
        "Moving house",
        True,
        False,
        True,
        "connection",
    ),
    (
        "contract",
        "contract",
        "Переоформление или расторжение договора",
        "Transfer or end of the contract",
        True,
        False,
        False,
        "connection",
    ),
    (
        "lk",
        "service",
        "Личный кабинет и доступ",
        "Personal account access",
        False,
        False,
        False,
        "first_line",
    ),
    (
        "service_quality",
        "service",
        "Качество обслуживания",
        "Quality of service",
        False,
        False,
        False,
        "first_line",
    ),
    (
        "thanks",
        "service",
        "Благодарность или предложение",
        "Thanks or a suggestion",
        False,
        False,
        False,
        "first_line",
    ),
    ("claim", "claim", "Претензия", "Formal claim", True, True, False, "claims"),
]


def reference_ensure(*, queue_model, category_model, topic_model) -> None:
    """Create the missing starting queues, categories and topics; keep edited ones.

    Takes the model classes, so that a data migration can pass historical ones.
    """
    queues = {}
    for code, name, name_en in QUEUES:
        queues[code], _created = queue_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    categories = {}
    for code, name, name_en, order in CATEGORIES:
        categories[code], _created = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for order, row in enumerate(TOPICS, start=1):
        code, category, name, name_en, needs, claim, visit, queue = row
        topic_model.objects.get_or_create(
            code=code,
            defaults={
                "category": categories[category],
                "name": name,
                "name_en": name_en,
                "needs_account_or_address": needs,
                "is_claim": claim,
                "visit_possible": visit,
                "sla_first_response_days": 1,
                "sla_resolution_days": 30 if claim else 10,
                "sla_calendar_days": claim,
                "default_queue": queues[queue],
                "order": order * 10,
            },
        )


# The escalation chain and the routing rules (added with routing; see
# tickets/routing.py). Queue code → level, and the service types a profile
# queue takes escalations for.
QUEUE_LEVELS = {
    "first_line": ("first_line", []),
    "business": ("first_line", []),
    "internet_l2": ("profile", ["internet"]),
    "tv_video": ("profile", ["tv", "video", "smart_home"]),
    "home_phone": ("profile", ["home_phone"]),
    "mobile": ("profile", ["mobile"]),
    "field": ("field", []),
    "line": ("line", []),
}
EXTRA_QUEUES = [
    ("internet_l2", "Интернет: вторая линия", "Internet: second line"),
]
# Field technicians of the demo cities (shared/domain.md, 4.1).
FIELD_CITIES = [
    ("msk", "Москва", "Moscow"),
    ("spb", "Санкт-Петербург", "Saint Petersburg"),
    ("nsk", "Новосибирск", "Novosibirsk"),
    ("ekb", "Екатеринбург", "Yekaterinburg"),
    ("kzn", "Казань", "Kazan"),
    ("nnov", "Нижний Новгород", "Nizhny Novgorod"),
    ("chel", "Челябинск", "Chelyabinsk"),
    ("sam", "Самара", "Samara"),
    ("rnd", "Ростов-на-Дону", "Rostov-on-Don"),
    ("ufa", "Уфа", "Ufa"),
    ("krsk", "Красноярск", "Krasnoyarsk"),
    ("perm", "Пермь", "Perm"),
    ("krd", "Краснодар", "Krasnodar"),
    ("vvo", "Владивосток", "Vladivostok"),
]
# order, name, topic, service type, client category, keywords, queue, priority
RULES = [
    (10, "Претензии юридических лиц", "claim", None, "legal_entity", "", "claims", 30),
    (20, "Претензии", "claim", None, "", "", "claims", 30),
    (
        30,
        "Авария: нет связи у многих",
        None,
        None,
        "",
        "авария, весь дом, все соседи, во всём доме, во всем доме",
        "first_line",
        40,
    ),
    (40, "Баланс и начисления", "billing", None, "", "", "billing", 20),
    (41, "Смена тарифа", "tariff", None, "", "", "billing", 20),
    (42, "Добровольная блокировка", "suspend", None, "", "", "billing", 20),
    (50, "Подключение", "connect", None, "", "", "connection", 20),
    (51, "Переезд", "move", None, "", "", "connection", 20),
    (52, "Договор", "contract", None, "", "", "connection", 20),
    (53, "Оборудование", "equipment", None, "", "", "connection", 20),
    (60, "Телевидение", None, "tv", "", "", "tv_video", 20),
    (61, "Видеонаблюдение", None, "video", "", "", "tv_video", 20),
    (62, "Умный дом", None, "smart_home", "", "", "tv_video", 20),
    (63, "Домашний телефон", None, "home_phone", "", "", "home_phone", 20),
    (64, "Мобильная связь", None, "mobile", "", "", "mobile", 20),
    (70, "Бизнес: все обращения", None, None, "legal_entity", "", "business", 20),
]


def routing_reference_ensure(get_model) -> None:
    """Set the starting levels and queues of the chain, and the starting rules,
    where nothing is there yet. ``get_model`` is ``apps.get_model`` (migrations)
    or django.apps.apps.get_model."""
    queue_model = get_model("tickets", "SpecialistQueue")
    rule_model = get_model("tickets", "RoutingRule")
    service_type_model = get_model("accounts", "ServiceType")
    topic_model = get_model("tickets", "Topic")
    for code, name, name_en in EXTRA_QUEUES:
        queue_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en}
        )
    for code, name, name_en in FIELD_CITIES:
        queue_model.objects.get_or_create(
            code=f"field_{code}",
            defaults={
                "name": f"Выездные мастера: {name}",
                "name_en": f"Field technicians: {name_en}",
                "level": "field",
                "city": name,
            },
        )
    types = {item.code: item for item in service_type_model.objects.all()}
    for code, (level, service_types) in QUEUE_LEVELS.items():
        queue = queue_model.objects.filter(code=code).first()
        if queue is None or queue.level != "back_office":
            continue  # gone, or set by a manager already
        queue.level = level
        queue.save(update_fields=["level"])
        queue.service_types.set([types[t] for t in service_types if t in types])
    if rule_model.objects.exists():
        return
    queues = {queue.code: queue for queue in queue_model.objects.all()}
    topics = {topic.code: topic for topic in topic_model.objects.all()}
    for order, name, topic, service_type, category, keywords, queue, priority in RULES:
        missing_topic = topic is not None and topic not in topics
        missing_type = service_type is not None and service_type not in types
        if queue not in queues or missing_topic or missing_type:
            continue  # never a rule broader than meant
        rule_model.objects.create(
            order=order,
            name=name,
            topic=topics.get(topic),
            service_type=types.get(service_type),
            client_category=category,
            keywords=keywords,
            queue=queues[queue],
            priority=priority,
        )
