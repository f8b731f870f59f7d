"""The FAQ and its suggestions beside the feedback form, in a real browser."""

import pytest
from playwright.sync_api import expect

from faq.demo import demo_faq_load
from faq.models import DeflectionEvent
from portal.testing import axe_violations
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def faq(reference_data):
    demo_faq_load()


def test_an_answer_beside_the_form_solves_the_problem_without_a_ticket(page, faq):
    page.goto("/feedback/")
    page.get_by_label("Тип услуги").select_option(label="Домашний интернет")
    page.get_by_label("Тема").select_option(label="Техническая неисправность")
    page.get_by_label("Что случилось").fill("С утра не работает, горит красный LOS")

    suggestions = page.locator("#faq-suggestions")
    answer = suggestions.get_by_text("Горит красный индикатор LOS или PON")
    expect(answer).to_be_visible()
    assert 1 <= suggestions.locator("details").count() <= 5
    answer.click()  # opens in place
    expect(suggestions.get_by_text("обрыв оптической линии")).to_be_visible()
    suggestions.locator("details[open]").get_by_role(
        "button", name="Это решило мою проблему"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Рады, что помогло")
    assert not Ticket.objects.exists()
    events = DeflectionEvent.objects.values_list("kind", "article__slug")
    assert ("opened", "los-red") in events
    assert ("solved", "los-red") in events
    assert {kind for kind, _slug in events} == {"shown", "opened", "solved"}


def test_a_subscriber_searches_from_any_page_and_votes(page, faq):
    page.goto("/hotline/")
    page.get_by_role("search").get_by_label("Поиск ответов").fill("роутер")
    page.get_by_role("search").get_by_role("button", name="Найти").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Поиск ответов")
    page.get_by_role("link", name="Как настроить роутер?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Как настроить роутер?")
    page.get_by_role("button", name="Да").click()
    expect(page.get_by_text("Спасибо: ваш ответ учтён.").first).to_be_visible()
    expect(page.get_by_role("button", name="Да")).to_have_count(0)


@pytest.mark.parametrize(
    "path", ["/faq/", "/faq/c/internet/", "/faq/a/net-down/", "/faq/search/?q=роутер"]
)
def test_faq_pages_have_no_serious_accessibility_violations(page, faq, path):
    page.goto(path)
    assert axe_violations(page) == []


def test_an_editor_sees_the_answer_as_subscribers_will_while_typing(page, faq):
    from django.contrib.auth.models import Group

    from accounts.tests.factories import PASSWORD, UserFactory
    from faq.models import Article
    from tickets import roles

    editor = UserFactory(subscriber=None, is_staff=True, username="editor")
    editor.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    article = Article.objects.get(slug="wifi-password")

    page.goto("/account/login/")
    page.get_by_label("Электронная почта или мобильный телефон").fill("editor")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(f"/admin/faq/article/{article.pk}/change/")
    preview = page.locator("#answer-preview")
    expect(preview).to_contain_text("наклейке роутера")  # the saved answer
    page.locator("#id_answer").fill("**Перезагрузите** роутер <script>x()</script>")

    expect(preview.locator("strong")).to_have_text("Перезагрузите")
    assert preview.locator("script").count() == 0
    page.get_by_role("button", name="Сохранить", exact=True).click()
    article.refresh_from_db()
    assert article.answer_html == "<p><strong>Перезагрузите</strong> роутер </p>"


def test_on_a_phone_the_answers_appear_under_the_text_being_typed(page, faq):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/feedback/")
    page.get_by_label("Тема").select_option(label="Техническая неисправность")
    page.get_by_label("Что случилось").fill("С утра не работает, горит красный LOS")

    answer = page.locator("#faq-suggestions").get_by_text(
        "Горит красный индикатор LOS или PON"
    )
    expect(answer).to_be_visible()
    body_box = page.get_by_label("Что случилось").bounding_box()
    answer_box = answer.bounding_box()
    send_box = page.get_by_role("button", name="Отправить").bounding_box()
    # Right under the text, long before the send button.
    assert body_box["y"] < answer_box["y"] < send_box["y"]
