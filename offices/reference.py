"""The cities every installation starts with; administrators edit them."""

# slug, Russian, English, time zone, latitude, longitude of the centre
CITIES = [
    ("moscow", "Москва", "Moscow", "Europe/Moscow", 55.7558, 37.6173),
    (
        "saint-petersburg",
        "Санкт-Петербург",
        "Saint Petersburg",
        "Europe/Moscow",
        59.9343,
        30.3351,
    ),
    ("novosibirsk", "Новосибирск", "Novosibirsk", "Asia/Novosibirsk", 55.0084, 82.9357),
    (
        "yekaterinburg",
        "Екатеринбург",
        "Yekaterinburg",
        "Asia/Yekaterinburg",
        56.8389,
        60.6057,
    ),
    ("kazan", "Казань", "Kazan", "Europe/Moscow", 55.7961, 49.1064),
    (
        "nizhny-novgorod",
        "Нижний Новгород",
        "Nizhny Novgorod",
        "Europe/Moscow",
        56.2965,
        43.9361,
    ),
    ("chelyabinsk", "Челябинск", "Chelyabinsk", "Asia/Yekaterinburg", 55.1644, 61.4368),
    ("samara", "Самара", "Samara", "Europe/Samara", 53.1959, 50.1002),
    (
        "rostov-on-don",
        "Ростов-на-Дону",
        "Rostov-on-Don",
        "Europe/Moscow",
        47.2224,
        39.7188,
    ),
    ("ufa", "Уфа", "Ufa", "Asia/Yekaterinburg", 54.7388, 55.9721),
    ("krasnoyarsk", "Красноярск", "Krasnoyarsk", "Asia/Krasnoyarsk", 56.0153, 92.8932),
    ("perm", "Пермь", "Perm", "Asia/Yekaterinburg", 58.0105, 56.2502),
    ("krasnodar", "Краснодар", "Krasnodar", "Europe/Moscow", 45.0355, 38.9753),
    (
        "vladivostok",
        "Владивосток",
        "Vladivostok",
        "Asia/Vladivostok",
        43.1155,
        131.8855,
    ),
]


def cities_ensure(city_model) -> None:
    """Create the missing starting cities; leave edited ones alone."""
    for order, (slug, name, name_en, zone, lat, lon) in enumerate(CITIES, start=1):
        city_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "time_zone": zone,
                "latitude": lat,
                "longitude": lon,
                "order": order,
            },
        )
