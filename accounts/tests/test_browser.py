"""The personal account in a real browser: Debian's Chromium driven by Playwright."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.testing import axe_violations

from .factories import PASSWORD, PersonalAccountFactory, ServiceFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _sign_in(page, login, password=PASSWORD):
    page.goto("/account/login/")
    page.get_by_label("Электронная почта или мобильный телефон").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


def test_sign_up_confirm_sign_in_and_see_accounts_and_services(page):
    account = PersonalAccountFactory(
        subscriber=None, number="100000000901", contract_number="Д-2026-0901"
    )
    ServiceFactory(account=account, number="ufa-lenina-5-11")
    page.goto("/account/signup/")

    page.get_by_label("Ваше ФИО").fill("Петрова Ольга Ивановна")
    page.get_by_label("Электронная почта").fill("olga@example.ru")
    # The label also holds crispy's hidden asterisk: match the accessible name.
    page.get_by_role("textbox", name="Пароль", exact=True).fill("Strong-Pass-2026")
    page.get_by_label("Пароль ещё раз").fill("Strong-Pass-2026")
    page.get_by_label("Я даю согласие на обработку моих персональных данных").check()
    page.get_by_label("Символы с картинки").fill("PASSED")
    page.get_by_role("button", name="Зарегистрироваться").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")
    expect(page.get_by_text("olga@example.ru")).to_be_visible()
    link = re.search(
        r"https?://[^/\s]+(/account/signup/confirm/\S+/)", mail.outbox[-1].body
    )
    page.goto(link.group(1))
    page.get_by_role("button", name="Подтвердить и войти").click()
    expect(page.get_by_text("Ваш e-mail подтверждён")).to_be_visible()
    page.get_by_role("button", name="Выйти").click()

    _sign_in(page, "OLGA@example.ru", "Strong-Pass-2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Личный кабинет")
    page.get_by_role("link", name="Привязать лицевой счёт").first.click()
    page.get_by_label("Номер лицевого счёта").fill("1000 0000 0901")
    page.get_by_label("Номер договора").fill("Д-2026-0901")
    page.get_by_role("button", name="Привязать", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Лицевой счёт 100000000901"
    )
    page.get_by_role("link", name="Личный кабинет").first.click()
    card = page.locator(".account-card", has_text="100000000901")
    expect(card).to_contain_text("ufa-lenina-5-11")
    expect(card).to_contain_text("Баланс")


def test_failed_sign_in_moves_focus_to_the_error_summary_and_keeps_the_login(page):
    UserFactory(email="anna@example.ru")

    _sign_in(page, "anna@example.ru", "wrong")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Неверный e-mail, телефон или пароль")
    expect(page.get_by_label("Электронная почта или мобильный телефон")).to_have_value(
        "anna@example.ru"
    )


def test_subscriber_signs_in_by_phone_and_out(page):
    UserFactory(full_name="Смирнова Анна Сергеевна", phone="+79123456789")
    page.goto("/account/")  # asks to sign in first

    page.get_by_label("Электронная почта или мобильный телефон").fill("8 912 345-67-89")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()

    expect(page.get_by_text("Вы вошли как Смирнова Анна Сергеевна.")).to_be_visible()
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Поддержка абонентов")


def test_organisation_fields_appear_for_a_legal_entity_and_errors_keep_input(page):
    page.goto("/account/signup/")
    inn = page.get_by_label("ИНН")
    expect(inn).to_be_hidden()

    page.get_by_label("Юридическое лицо").check()
    expect(inn).to_be_visible()
    page.get_by_label("Название организации").fill("ООО «Ромашка»")
    inn.fill("7704123451")
    page.get_by_label("Ваше ФИО").fill("Белова Ирина")
    page.get_by_role("button", name="Зарегистрироваться").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^ИНН"))).to_be_visible()
    expect(page.get_by_label("ИНН")).to_have_value("7704123451")
    expect(page.get_by_label("Название организации")).to_have_value("ООО «Ромашка»")
    expect(page.get_by_label("Юридическое лицо")).to_be_checked()


def test_captcha_gets_a_new_picture_without_reloading_the_form(page):
    page.goto("/account/signup/")
    page.get_by_label("Ваше ФИО").fill("Петрова Ольга")
    picture = page.locator("img.captcha")
    before = picture.get_attribute("src")

    page.get_by_role("button", name="Новая картинка").click()

    expect(picture).not_to_have_attribute("src", before)
    expect(page.get_by_label("Символы с картинки")).to_be_focused()
    expect(page.get_by_label("Ваше ФИО")).to_have_value("Петрова Ольга")


def test_dashboard_fits_a_phone_screen(page):
    user = UserFactory()
    for _ in range(2):
        ServiceFactory.create_batch(
            3, account=PersonalAccountFactory(subscriber=user.subscriber)
        )
    page.set_viewport_size({"width": 360, "height": 740})
    _sign_in(page, user.email)

    expect(page.locator(".account-card")).to_have_count(2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the dashboard scrolls sideways on a phone"


@pytest.mark.parametrize(
    "path",
    [
        "/account/signup/",
        "/account/password/reset/",
        "/account/consent/",
        "/account/",
        "/account/profile/",
        "/account/link/",
        "/account/email/",
        "/account/accounts/100000000555/",
    ],
)
def test_personal_account_pages_have_no_serious_accessibility_violations(page, path):
    user = UserFactory()
    account = PersonalAccountFactory(subscriber=user.subscriber, number="100000000555")
    ServiceFactory(account=account)
    _sign_in(page, user.email)
    if path in ("/account/signup/", "/account/password/reset/"):
        page.get_by_role("button", name="Выйти").click()
    page.goto(path)

    assert axe_violations(page) == []


def test_subscriber_changes_the_email_and_confirms_the_phone(page):
    from portal.models import SmsMessage

    user = UserFactory(email="old@example.ru", full_name="Смирнова Анна Сергеевна")
    _sign_in(page, user.email)
    page.get_by_role("link", name="Профиль и настройки").click()

    page.get_by_role("link", name="изменить").click()
    page.get_by_label("Новый e-mail").fill("new@example.ru")
    page.get_by_label("Ваш пароль").fill(PASSWORD)
    page.get_by_role("button", name="Отправить ссылку").click()
    expect(page.get_by_text("Мы отправили ссылку на new@example.ru")).to_be_visible()
    page.goto(re.search(r"(/account/email/confirm/\S+/)", mail.outbox[-1].body)[1])
    page.get_by_role("button", name="Подтвердить новый e-mail").click()
    expect(page.get_by_text("Теперь ваш e-mail — new@example.ru")).to_be_visible()

    page.get_by_label("Мобильный телефон").fill("8 916 123-45-67")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение телефона")
    code = re.search(r"\d{6}", SmsMessage.objects.latest("created_at").text)[0]
    page.get_by_label("Код из SMS").fill(code)
    page.get_by_role("button", name="Подтвердить", exact=True).click()
    expect(page.get_by_text("Телефон подтверждён")).to_be_visible()
