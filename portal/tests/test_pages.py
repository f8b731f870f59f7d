import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("home", "Поддержка абонентов"),
    ("tickets:feedback", "Обратная связь"),
    ("tickets:hotline", "Горячая линия"),
    ("offices:list", "Офисы обслуживания"),
    ("faq:list", "Частые вопросы"),
    ("accounts:login", "Вход в личный кабинет"),
]


@pytest.mark.parametrize(("name", "heading"), SECTIONS)
def test_section_page_renders_in_russian_by_default(client, name, heading):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert f'<h1 class="mb-3">{heading}</h1>' in html


def test_navigation_links_every_section(client):
    html = client.get(reverse("home")).content.decode()

    for name, label in [
        ("accounts:home", "Личный кабинет"),
        ("tickets:feedback", "Обратная связь"),
        ("tickets:hotline", "Горячая линия"),
        ("offices:list", "Офисы"),
        ("faq:list", "Частые вопросы"),
    ]:
        assert f'href="{reverse(name)}">{label}</a>' in html


def test_current_section_is_marked_for_screen_readers(client):
    html = client.get(reverse("tickets:hotline")).content.decode()

    assert f'aria-current="page" href="{reverse("tickets:hotline")}"' in html
    assert html.count('aria-current="page"') == 1


def test_language_switch_shows_english_and_keeps_the_page(client):
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("tickets:hotline")},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("tickets:hotline")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<h1 class="mb-3">Hotline</h1>' in html
    assert "Горячая линия" not in html


def test_footer_shows_hotline_numbers_from_settings(client, settings):
    settings.PORTAL_HOTLINE_INDIVIDUALS = "+78001234567"
    settings.PORTAL_HOTLINE_BUSINESS = "8 800 765-43-21"

    html = client.get(reverse("home")).content.decode()

    assert 'href="tel:+78001234567"' in html
    assert "8 (800) 123-45-67" in html
    assert 'href="tel:+78007654321"' in html


def test_footer_lists_only_configured_social_channels(client, settings):
    settings.PORTAL_SOCIAL_LINKS = {
        "vk": "https://vk.com/operator",
        "ok": "",
        "telegram": "",
    }

    html = client.get(reverse("home")).content.decode()

    assert 'href="https://vk.com/operator"' in html
    assert "ВКонтакте" in html
    assert "Одноклассники" not in html
    assert "facebook" not in html.lower()
    assert "instagram" not in html.lower()


def test_unknown_page_gets_styled_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Страница не найдена" in html
    assert reverse("tickets:hotline") in html  # the portal's layout, not Django's


def test_server_error_gets_styled_500(client, settings):
    settings.ROOT_URLCONF = "portal.tests.urls_failing"
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "На нашей стороне произошла ошибка" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_permission_denied_gets_styled_403(client, settings):
    settings.ROOT_URLCONF = "portal.tests.urls_failing"

    response = client.get("/forbidden/")

    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()


def test_bad_request_gets_styled_400(client, settings):
    settings.ROOT_URLCONF = "portal.tests.urls_failing"

    response = client.get("/bad/")

    assert response.status_code == 400
    assert "Не удалось разобрать запрос" in response.content.decode()


def test_expired_form_explains_itself(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en"})

    assert response.status_code == 403
    assert "Форма устарела" in response.content.decode()


def test_static_assets_are_served_from_the_portal(client):
    html = client.get(reverse("home")).content.decode()

    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/bootstrap/js/bootstrap.bundle.min.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_account_page_asks_to_sign_in(client):
    response = client.get(reverse("accounts:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_favicon_request_reaches_the_portal_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302  # the hashed name changes with releases
    assert response["Location"] == "/static/img/favicon.svg"
    assert client.get(response["Location"]).status_code == 200


def test_russian_is_shown_whatever_the_browser_language(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="ru">' in response.content.decode()
    assert response["Content-Language"] == "ru"


def test_language_cookie_with_an_unknown_language_falls_back_to_russian(client):
    client.cookies["django_language"] = "de"

    response = client.get(reverse("home"))

    assert '<html lang="ru">' in response.content.decode()
