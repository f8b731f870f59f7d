import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_failed_sign_in_moves_focus_to_the_error_summary_and_keeps_the_login(page):
    get_user_model().objects.create_user(username="anna", password="right-pass-2026")
    page.goto("/account/login/")

    page.get_by_label("Имя пользователя").fill("anna")
    page.get_by_label("Пароль").fill("wrong")
    page.get_by_role("button", name="Войти").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert "Пожалуйста, введите правильные" in summary.inner_text()
    assert page.get_by_label("Имя пользователя").input_value() == "anna"


def test_subscriber_signs_in_and_out(page):
    get_user_model().objects.create_user(
        username="anna", password="right-pass-2026", first_name="Анна"
    )
    page.goto("/account/")  # asks to sign in first

    page.get_by_label("Имя пользователя").fill("anna")
    page.get_by_label("Пароль").fill("right-pass-2026")
    page.get_by_role("button", name="Войти").click()

    assert page.get_by_text("Вы вошли как Анна.").is_visible()
    page.get_by_role("button", name="Выйти").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Поддержка абонентов"
