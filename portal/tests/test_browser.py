"""The portal in a real browser: Debian's Chromium driven by Playwright."""

import re

import pytest

from portal.testing import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NAV = [
    ("Личный кабинет", "Вход в личный кабинет"),
    ("Обратная связь", "Обратная связь"),
    ("Горячая линия", "Горячая линия"),
    ("Офисы", "Офисы обслуживания"),
    ("Частые вопросы", "Частые вопросы"),
]


def test_home_page_renders_in_russian(page):
    page.goto("/")

    assert page.title() == "Главная — Поддержка абонентов"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Поддержка абонентов"
    footer = page.get_by_role("contentinfo")
    assert footer.get_by_role("link", name="8 (800) 100-08-00").is_visible()


def test_navigation_reaches_each_section(page):
    page.goto("/")
    nav = page.get_by_role("navigation", name="Основное меню")

    for link, heading in NAV:
        nav.get_by_role("link", name=link, exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        page.goto("/")


def test_language_switch_changes_the_interface_and_stays_on_the_page(page):
    page.goto("/hotline/")

    page.get_by_role("button", name=re.compile("^EN")).click()

    page.wait_for_url("**/hotline/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Hotline"
    page.get_by_role("link", name="FAQ", exact=True).click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Frequently asked questions"
    )

    page.get_by_role("button", name=re.compile("^RU")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Частые вопросы"


def test_menu_works_on_a_phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Основное меню")
    offices = nav.get_by_role("link", name="Офисы", exact=True)
    assert not offices.is_visible()

    page.get_by_role("button", name="Показать меню").click()
    offices.click()

    assert page.get_by_role("heading", level=1).inner_text() == "Офисы обслуживания"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"


def test_keyboard_user_can_skip_to_the_content(page):
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к основному содержанию")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path", ["/", "/hotline/", "/feedback/", "/offices/", "/faq/", "/account/login/"]
)
def test_main_pages_have_no_serious_accessibility_violations(page, path):
    page.goto(path)

    assert axe_violations(page) == []


def test_styled_404_in_the_browser(page):
    response = page.goto("/no-such-page/")
    page.console_errors.clear()  # the browser logs the 404 status itself

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Страница не найдена"


def test_staff_sign_in_to_the_support_desk_under_the_csp(page, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_data")
    settings.DEBUG = False
    page.goto("/admin/")

    page.get_by_label("Имя пользователя").fill("agent")
    page.get_by_label("Пароль").fill("demo-agent-2026")
    page.get_by_role("button", name="Войти").click()

    assert (
        page.get_by_role("heading", level=1).inner_text() == "Рабочее место поддержки"
    )
    page.get_by_role("button", name="Выйти").click()
    # The page fixture fails the test on any console error, CSP violations included.
