"""Filing and following a ticket in a real browser (Chromium through Playwright)."""

import re

import pytest
from django.core import mail
from django.utils import formats, translation
from playwright.sync_api import expect

from accounts.tests.factories import (
    PASSWORD,
    PersonalAccountFactory,
    ServiceFactory,
    UserFactory,
)
from portal.testing import axe_violations
from tickets.models import Ticket

from .factories import PNG, TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "С утра нет интернета, индикатор LOS горит красным. Роутер перезагружала."


def _sign_in(page, user):
    page.goto("/account/login/")
    page.get_by_label("Электронная почта или мобильный телефон").fill(user.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Личный кабинет")


def _attach(page, name="router.png", content=PNG, mime="image/png"):
    page.get_by_label(re.compile(r"^\s*Файлы")).set_input_files(
        [{"name": name, "mimeType": mime, "buffer": content}]
    )


@pytest.fixture
def subscriber():
    user = UserFactory(full_name="Смирнова Анна Сергеевна", phone="+79123456789")
    account = PersonalAccountFactory(subscriber=user.subscriber, number="100000000001")
    ServiceFactory(account=account, number="smirnova-a")
    return user


def test_subscriber_files_a_ticket_with_a_file_and_reads_it_in_my_tickets(
    page, subscriber
):
    _sign_in(page, subscriber)
    page.get_by_role("link", name="Написать в поддержку").first.click()

    expect(page.get_by_label("Электронная почта", exact=True)).to_have_count(0)
    service = page.get_by_label("Услуга", exact=True)
    option = service.locator("option", has_text="smirnova-a")
    service.select_option(option.get_attribute("value"))
    page.get_by_label("Тема").select_option(label="Техническая неисправность")
    page.get_by_label("Что случилось").fill(BODY)
    _attach(page)
    page.get_by_role("button", name="Отправить").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ваше обращение принято")
    number = page.locator(".ticket-number").inner_text()
    assert re.fullmatch(r"\d{4}-\d{7}", number)
    page.get_by_role("link", name="Мои обращения").click()
    row = page.get_by_role("row", name=re.compile(number))
    # Routed at once (tasks run in-process here): registered, with a fix date.
    expect(row).to_contain_text("Зарегистрировано")
    row.get_by_role("link", name=number).click()
    expect(page.get_by_text(BODY)).to_be_visible()
    expect(page.get_by_role("link", name="router.png")).to_be_visible()
    ticket = Ticket.objects.get(number=number)
    assert ticket.account_number == "100000000001"
    assert ticket.service_number == "smirnova-a"
    assert ticket.queue.code == "first_line"  # home internet, an individual
    with translation.override("ru"):
        fix_date = formats.date_format(ticket.planned_fix_date, "DATE_FORMAT")
    expect(page.get_by_text(fix_date)).to_be_visible()


def test_guest_files_a_ticket_with_a_file_and_follows_the_private_link(page):
    page.goto("/feedback/")

    page.get_by_label("Тип услуги").select_option(label="Домашний интернет")
    page.get_by_label("Номер лицевого счёта").fill("1000 0000 0042")
    page.get_by_label("Тема").select_option(label="Техническая неисправность")
    page.get_by_label("Что случилось").fill(BODY)
    _attach(page, "скриншот.png")
    page.get_by_label("Ваше имя").fill("Иван Петров")
    page.get_by_label("Электронная почта", exact=True).fill("ivan@example.ru")
    page.get_by_label("Я даю согласие на обработку моих персональных данных").check()
    page.get_by_label("Символы с картинки").fill("PASSED")
    page.get_by_role("button", name="Отправить").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ваше обращение принято")
    number = page.locator(".ticket-number").inner_text()
    link = re.search(r"(/tickets/t/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.get_by_text(BODY)).to_be_visible()
    expect(page.get_by_role("link", name="скриншот.png")).to_be_visible()

    page.get_by_label("Ваше сообщение").fill("Добавляю: индикатор PON тоже мигает.")
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_text("индикатор PON тоже мигает")).to_be_visible()


def test_an_error_keeps_what_was_typed_and_asks_for_the_files_again(page):
    page.goto("/feedback/")
    page.get_by_label("Тип услуги").select_option(label="Домашний интернет")
    page.get_by_label("Тема").select_option(label="Техническая неисправность")
    page.get_by_label("Что случилось").fill(BODY)
    _attach(page)
    page.get_by_label("Ваше имя").fill("Иван Петров")
    page.get_by_role("button", name="Отправить").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).not_to_have_count(0)
    expect(page.get_by_label("Что случилось")).to_have_value(BODY)
    expect(page.get_by_label("Ваше имя")).to_have_value("Иван Петров")
    expect(page.get_by_text("Выберите файлы ещё раз")).to_be_visible()
    assert not Ticket.objects.exists()


def test_a_claim_topic_asks_for_the_demands_and_the_form_of_the_answer(page):
    page.goto("/feedback/")
    demands = page.get_by_label("Ваши требования")
    expect(demands).to_be_hidden()

    page.get_by_label("Тема").select_option(label="Претензия")

    expect(demands).to_be_visible()
    expect(page.get_by_text("нужен номер лицевого счёта или адрес")).to_be_visible()


def test_the_send_button_waits_after_the_first_click(page):
    page.goto("/feedback/")
    button = page.get_by_role("button", name="Отправить")
    page.evaluate(
        "document.querySelector('form.ticket-form')"
        ".addEventListener('submit', e => e.preventDefault())"
    )

    button.click()

    expect(page.locator("form.ticket-form button[type=submit]")).to_be_disabled()


@pytest.mark.parametrize("who", ["guest", "subscriber"])
def test_feedback_form_has_no_serious_accessibility_violations(page, who, subscriber):
    if who == "subscriber":
        _sign_in(page, subscriber)
    page.goto("/feedback/")

    assert axe_violations(page) == []


def test_ticket_pages_have_no_serious_accessibility_violations(page, subscriber):
    ticket = TicketFactory(author=subscriber, with_attachment=True)
    _sign_in(page, subscriber)

    for path in ("/tickets/", ticket.get_absolute_url()):
        page.goto(path)
        assert axe_violations(page) == [], path


def test_an_agent_takes_and_answers_a_ticket_and_the_subscriber_reads_it(
    page, subscriber
):
    from django.contrib.auth.models import Group

    from tickets import roles
    from tickets.models import QueueMembership, SpecialistQueue
    from tickets.services import ticket_route

    ticket = TicketFactory(author=subscriber, account_number="100000000001")
    ticket_route(ticket_id=ticket.pk)
    agent = UserFactory(
        subscriber=None,
        is_staff=True,
        username="agent.petrov",
        full_name="Пётр Агентов",
    )
    agent.groups.add(Group.objects.get(name=roles.AGENTS))
    QueueMembership.objects.create(
        queue=SpecialistQueue.objects.get(code="first_line"), user=agent
    )
    answer = "Мы перезапустили порт на коммутаторе. Проверьте, пожалуйста, связь."

    page.goto("/account/login/")
    page.get_by_label("Электронная почта или мобильный телефон").fill("agent.petrov")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto("/admin/tickets/ticket/")
    row = page.get_by_role("row", name=re.compile(ticket.number))
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(
        label="Взять в работу: назначить на меня"
    )
    page.get_by_role("button", name="Выполнить").click()
    expect(page.get_by_text("Теперь ваше 1 обращение.")).to_be_visible()
    page.get_by_role("link", name=ticket.number).click()
    page.get_by_label("Ответ", exact=True).fill(answer)
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_text("Ответ отправлен абоненту.")).to_be_visible()
    expect(page.locator("#desk-history")).to_contain_text(answer)

    page.context.clear_cookies()
    _sign_in(page, subscriber)
    page.goto(f"/tickets/{ticket.number}/")
    expect(page.get_by_text(answer)).to_be_visible()
    expect(page.get_by_text("В работе").first).to_be_visible()


def test_a_supervisor_assigns_a_ticket_and_an_agent_records_a_call(page, subscriber):
    from django.contrib.auth.models import Group

    from tickets import roles
    from tickets.models import QueueMembership, SpecialistQueue
    from tickets.services import ticket_route

    ticket = TicketFactory(
        author=subscriber,
        account_number="100000000001",
        reply_channel="phone",
        contact_phone="+79123456789",
    )
    ticket_route(ticket_id=ticket.pk)
    first_line = SpecialistQueue.objects.get(code="first_line")
    supervisor = UserFactory(
        subscriber=None, is_staff=True, username="boss", full_name="Ольга Старшая"
    )
    supervisor.groups.add(Group.objects.get(name=roles.SUPERVISORS))
    QueueMembership.objects.create(queue=first_line, user=supervisor, role="supervisor")
    agent = UserFactory(
        subscriber=None, is_staff=True, username="petrov", full_name="Пётр Агентов"
    )
    agent.groups.add(Group.objects.get(name=roles.AGENTS))
    QueueMembership.objects.create(queue=first_line, user=agent)

    page.goto("/account/login/")
    page.get_by_label("Электронная почта или мобильный телефон").fill("boss")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto("/admin/tickets/ticket/")
    page.get_by_role("row", name=re.compile(ticket.number)).get_by_role(
        "checkbox"
    ).check()
    page.locator("select[name=action]").select_option(
        label="Назначить специалисту очереди…"
    )
    page.get_by_role("button", name="Выполнить").click()
    page.get_by_label("Специалист этих очередей").select_option(label="Пётр Агентов")
    page.get_by_role("button", name="Назначить").click()
    expect(page.get_by_text("1 обращение назначено: Пётр Агентов.")).to_be_visible()

    page.goto("/admin/tickets/callback/")
    page.get_by_role("row", name=re.compile(ticket.number)).get_by_role(
        "checkbox"
    ).check()
    page.locator("select[name=action]").select_option(label="Позвонили: дозвонились")
    page.get_by_role("button", name="Выполнить").click()
    expect(page.get_by_text("1 звонок записан.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.first_response_at is not None


def test_the_time_to_call_is_asked_only_for_an_answer_by_phone(page):
    page.goto("/feedback/")
    when = page.get_by_label("Когда вам позвонить")

    expect(when).to_be_hidden()
    page.get_by_label("По телефону").check()
    expect(when).to_be_visible()
    when.select_option(label="вечером, 17:00–21:00")
    page.get_by_label("По электронной почте").check()
    expect(when).to_be_hidden()


def test_an_agent_schedules_a_visit_and_records_a_call_on_the_ticket_page(page):
    import datetime

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from tickets import roles
    from tickets.models import QueueMembership, SpecialistQueue
    from tickets.services import ticket_route

    user = UserFactory(full_name="Смирнова Анна Сергеевна", phone="+79123456789")
    account = PersonalAccountFactory(subscriber=user.subscriber, city="Казань")
    ticket = TicketFactory(
        author=user,
        account_number=account.number,
        reply_channel="phone",
        contact_phone="+79123456789",
        callback_time="morning",
    )
    ticket_route(ticket_id=ticket.pk)
    agent = UserFactory(
        subscriber=None, is_staff=True, username="petrov", full_name="Пётр Агентов"
    )
    agent.groups.add(Group.objects.get(name=roles.AGENTS))
    QueueMembership.objects.create(
        queue=SpecialistQueue.objects.get(code="first_line"), user=agent
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    page.goto("/account/login/")
    page.get_by_label("Электронная почта или мобильный телефон").fill("petrov")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto("/admin/tickets/ticket/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=ticket.number).click()
    assert axe_violations(page) == []

    calls = page.locator("#desk-callback")
    expect(calls).to_contain_text("утром, 9:00–12:00")
    calls.get_by_label("не дозвонились").check()
    calls.get_by_label("Примечание").fill("Не берёт трубку")
    calls.get_by_role("button", name="Записать звонок").click()
    expect(page.get_by_text("Звонок записан.")).to_be_visible()
    expect(page.locator("#desk-callback")).to_contain_text("попыток пока: 1")

    visit = page.locator("#desk-visit")
    visit.get_by_label("День выезда").fill(tomorrow.isoformat())
    visit.get_by_label("Начало").fill("10:00")
    visit.get_by_label("Окончание").fill("08:00")
    visit.get_by_role("button", name="Назначить выезд").click()
    expect(page.get_by_text("Время визита должно закончиться позже")).to_be_visible()
    visit = page.locator("#desk-visit")
    expect(visit.get_by_label("День выезда")).to_have_value(tomorrow.isoformat())
    visit.get_by_label("Окончание").fill("12:00")
    visit.get_by_role("button", name="Назначить выезд").click()
    expect(
        page.get_by_text("Выезд назначен; абонент получит уведомление.")
    ).to_be_visible()
    # The ticket went to the technicians of Kazan: back to the agent's list.
    expect(page).to_have_url(re.compile(r"/admin/tickets/ticket/$"))
    ticket.refresh_from_db()
    assert ticket.queue.code == "field_kzn"
    assert timezone.localtime(ticket.visit_starts_at).date() == tomorrow


def test_a_manager_opens_the_report_and_downloads_a_csv(page):
    from django.contrib.auth.models import Group

    from tickets import roles
    from tickets.services import ticket_route

    for _n in range(3):
        ticket_route(ticket_id=TicketFactory().pk)
    manager = UserFactory(
        subscriber=None, is_staff=True, username="boss", full_name="Ольга Руководитель"
    )
    manager.groups.add(Group.objects.get(name=roles.MANAGERS))

    page.goto("/account/login/")
    page.get_by_label("Электронная почта или мобильный телефон").fill("boss")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto("/admin/")
    page.get_by_role("link", name="Отчёты").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Отчёты по обращениям")
    expect(page.locator("#summary-created")).to_have_text("3")
    expect(page.locator("#table-queue")).to_contain_text("Первая линия: интернет")
    assert page.locator("canvas").count() >= 10
    assert page.evaluate("() => typeof Chart") == "function"  # charts drawn
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="По очередям, CSV").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert content.splitlines()[0] == 'Название,Подано,"Доля, %",Решено или закрыто'
    assert "Первая линия: интернет,3,100.0,0" in content
