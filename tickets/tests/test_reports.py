"""The managers' report: every figure against a small data set computed by
hand (see the comments), with a frozen clock; access; the exports."""

import datetime
import io
import uuid
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from faq.models import Article, DeflectionEvent, FaqCategory
from tickets import roles
from tickets.exports import neutralise, table_csv, tables_xlsx
from tickets.models import SpecialistQueue, Ticket, Topic
from tickets.reports import Filters, Table, percentile, report_build

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=MSK)  # a Friday
PERIOD = Filters(start=datetime.date(2026, 3, 16), end=datetime.date(2026, 3, 20))
H = datetime.timedelta(hours=1)


def at(day, hour, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=MSK)


def ticket(created, *, queue="first_line", fr=None, resolved=None, closed=None,
           fr_due=24, res_due=72, rating=None, reopen=0, channel="email",
           category="individual", city="", assignee=None, month=3):  # fmt: skip
    made = TicketFactory(reply_channel=channel, contact_phone="+79123450000")
    values = {
        "created_at": created,
        "queue": SpecialistQueue.objects.get(code=queue),
        "first_response_at": created + fr * H if fr is not None else None,
        "resolved_at": created + resolved * H if resolved is not None else None,
        "closed_at": closed,
        "first_response_due": created + fr_due * H,
        "resolution_due": created + res_due * H,
        "rating": rating,
        "reopen_count": reopen,
        "client_category": category,
        "city": city,
        "assignee": assignee,
        "status": "resolved" if resolved is not None else "in_progress",
    }
    Ticket.objects.filter(pk=made.pk).update(**values)
    return Ticket.objects.get(pk=made.pk)


@pytest.fixture
def data(reference_data):
    """Seven tickets around the week of 16–20 March 2026 (Moscow time)."""
    anna = UserFactory(subscriber=None, is_staff=True, full_name="Анна Первая")
    boris = UserFactory(subscriber=None, is_staff=True, full_name="Борис Второй")
    with freeze_time(NOW):
        t1 = ticket(at(16, 10), fr=2, resolved=24, rating=5, city="Казань",
                    assignee=anna)  # fmt: skip
        t2 = ticket(at(16, 15), fr=30, resolved=90, rating=2, city="Казань",
                    channel="phone", assignee=anna)  # fmt: skip
        t3 = ticket(at(17, 9), queue="billing", fr=4, reopen=1, city="Москва",
                    category="legal_entity", assignee=boris)  # fmt: skip
        t4 = ticket(at(18, 11), queue="billing", res_due=240, city="Москва")
        t5 = ticket(at(19, 23, 30), fr=1, closed=at(20, 10), assignee=boris)
        t6 = ticket(at(13, 10), fr=1, resolved=98)  # filed before, done Tue 12:00
        t7 = ticket(at(20, 10), queue="billing")  # still within its deadlines
        ticket(datetime.datetime(2026, 2, 1, 10, tzinfo=MSK),
               closed=datetime.datetime(2026, 2, 2, tzinfo=MSK))  # fmt: skip
        category = FaqCategory.objects.create(slug="c", name="Раздел")
        x = Article.objects.create(category=category, slug="x", title="X", answer="x")
        y = Article.objects.create(category=category, slug="y", title="Y", answer="y")
        flow1, flow2 = uuid.uuid4(), uuid.uuid4()
        for kind, article, flow in (("shown", x, flow1), ("opened", x, flow1),
                                    ("solved", x, flow1), ("shown", x, flow2),
                                    ("shown", y, flow2)):  # fmt: skip
            DeflectionEvent.objects.create(kind=kind, article=article, flow=flow)
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t6": t6, "t7": t7}


def build(filters=PERIOD):
    with freeze_time(NOW), translation.override("en"):
        report = report_build(filters)
    return report, {table.key: table for table in report["tables"]}


def test_filed_done_and_open_by_day(data):
    report, tables = build()

    assert report["summary"]["created"] == 6  # t1–t5, t7
    assert report["summary"]["done"] == 3  # t1, t2 resolved; t5 closed
    # Done by day: t1 and t6 on Tuesday, t2 and t5 on Friday. Open at the end
    # of each day: Mon t1 t2 t6; Tue t2 t3; Wed t2 t3 t4; Thu t2–t5; Fri t3 t4 t7.
    assert tables["daily"].rows == [
        ["2026-03-16", 2, 0, 3],
        ["2026-03-17", 1, 2, 2],
        ["2026-03-18", 1, 0, 3],
        ["2026-03-19", 1, 0, 4],
        ["2026-03-20", 1, 2, 3],
    ]


def test_times_to_first_response_and_resolution(data):
    _report, tables = build()

    # First responses 1, 2, 4, 30 h: median 3, 90th percentile 4 + 0.7 × 26.
    # Resolutions 24 and 90 h: median 57, 90th percentile 24 + 0.9 × 66.
    assert tables["times"].rows == [
        ["First response", 4, 3.0, 22.2],
        ["Resolution", 2, 57.0, 83.4],
    ]


def test_deadlines_kept_and_the_breaches(data):
    _report, tables = build()

    # First response: kept t1 t3 t5, missed t2 (late) t4 (none, due Thu);
    # t7 still has time. Resolution: kept t1, t5 (closed in time); missed t2
    # (late), t3 (due Fri 09:00); t4, t7 still have time.
    assert tables["sla"].rows == [
        ["First response", 3, 2, 60.0],
        ["Resolution", 2, 2, 50.0],
    ]
    breaches = {row[0]: row[4] for row in tables["breaches"].rows}
    assert breaches == {
        data["t4"].number: "first response",
        data["t3"].number: "resolution",
        data["t2"].number: "first response, resolution",
    }
    assert [row[0] for row in tables["breaches"].rows] == [
        data["t4"].number, data["t3"].number, data["t2"].number,
    ]  # fmt: skip


def test_a_ticket_closed_by_its_subscriber_stops_its_clocks(reference_data):
    with freeze_time(NOW):
        # Closed a minute after filing, never answered; both deadlines passed.
        early = ticket(at(16, 10), closed=at(16, 10, 1))
        # Closed unanswered after 48 h: the first answer was due at 24 h.
        late = ticket(at(16, 12), closed=at(18, 12))

    _report, tables = build()

    assert tables["sla"].rows == [
        ["First response", 1, 1, 50.0],
        ["Resolution", 2, 0, 100.0],
    ]
    breaches = {row[0]: row[4] for row in tables["breaches"].rows}
    assert breaches == {late.number: "first response"}
    assert early.number not in breaches


def test_backlog_age_reopen_and_satisfaction(data):
    _report, tables = build()

    # Open now: t7 (2 h), t4 (2 days 1 h), t3 (3 days 3 h).
    assert tables["age"].rows == [
        ["under 1 day", 1], ["1–3 days", 1], ["3–7 days", 1],
        ["7–14 days", 0], ["14–30 days", 0], ["over 30 days", 0],
    ]  # fmt: skip
    # Resolved at least once: t1, t2, t3 (reopened); rated: 5 and 2.
    assert tables["quality"].rows == [
        ["Tickets resolved at least once", 3],
        ["Reopened after a resolution", 1],
        ["Reopen rate, %", 33.3],
        ["Rated answers", 2],
        ["Average rating (1–5)", 3.5],
    ]
    assert tables["csat"].rows == [["1", 0], ["2", 1], ["3", 0], ["4", 0], ["5", 1]]


def test_breakdowns_agents_hours_and_suggestions(data):
    _report, tables = build()

    assert tables["queue"].rows == [
        ["Billing and tariffs", 3, 50.0, 0],
        ["First line: internet", 3, 50.0, 3],
    ]
    assert tables["channel"].rows == [
        ["by e-mail", 5, 83.3, 2], ["by phone", 1, 16.7, 1],
    ]  # fmt: skip
    assert tables["category"].rows == [
        ["individual", 5, 83.3, 3], ["legal entity", 1, 16.7, 0],
    ]  # fmt: skip
    assert sorted(tables["city"].rows) == [
        ["Казань", 2, 33.3, 2], ["Москва", 2, 33.3, 0], ["—", 2, 33.3, 1],
    ]  # fmt: skip
    assert sorted(tables["agents"].rows) == [
        ["Анна Первая", 2, 16.0, 3.5, 2],
        ["Борис Второй", 2, 2.5, None, 0],
    ]
    heat = {row[0]: row[1:] for row in tables["heatmap"].rows}
    assert heat["Mon"][10] == heat["Mon"][15] == heat["Tue"][9] == 1
    assert heat["Wed"][11] == heat["Thu"][23] == heat["Fri"][10] == 1
    assert sum(sum(hours) for hours in heat.values()) == 6
    assert tables["deflection"].rows == [
        ["Form visits with suggestions", 2],
        ["Suggestions shown", 3],
        ["Opened", 1],
        ["Solved without a ticket", 1],
        ["Visits solved without a ticket, %", 50.0],
    ]


def test_filters_narrow_every_figure(data):
    billing = SpecialistQueue.objects.get(code="billing").pk
    report, tables = build(Filters(PERIOD.start, PERIOD.end, queue=billing))

    assert report["summary"]["created"] == 3
    assert tables["daily"].rows[-1] == ["2026-03-20", 1, 0, 3]
    report, _tables = build(Filters(PERIOD.start, PERIOD.end, city="Москва"))
    assert report["summary"]["created"] == 2
    report, _tables = build(Filters(PERIOD.start, PERIOD.end, channel="phone"))
    assert report["summary"]["created"] == 1
    fault = Topic.objects.get(code="fault").pk
    report, tables = build(Filters(PERIOD.start, PERIOD.end, topic=fault))
    assert report["summary"]["created"] == 6
    assert tables["deflection"].rows[0] == ["Form visits with suggestions", 0]


def test_percentile_interpolates_like_postgresql():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 4, 30], 0.5) == 3
    assert percentile([1, 2, 4, 30], 0.9) == pytest.approx(22.2)


# Access and the page --------------------------------------------------------------


def employee(role):
    user = UserFactory(subscriber=None, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path", ["/reports/", "/reports/export/queue.csv", "/reports/export/all.xlsx"]
)
def test_only_managers_read_the_reports(reference_data, client, path):
    assert client.get(path).status_code == 302  # to sign in
    subscriber = Client()
    subscriber.force_login(UserFactory())
    assert subscriber.get(path).status_code == 403
    assert employee(roles.AGENTS).get(path).status_code == 403
    assert employee(roles.SUPERVISORS).get(path).status_code == 403
    assert employee(roles.MANAGERS).get(path).status_code == 200
    assert employee(roles.ADMINISTRATORS).get(path).status_code == 200


def test_the_page_shows_every_table_with_its_chart_and_exports(data):
    manager = employee(roles.MANAGERS)

    with freeze_time(NOW):
        html = manager.get(
            "/reports/", {"start": "2026-03-16", "end": "2026-03-20"},
            HTTP_ACCEPT_LANGUAGE="ru",
        ).content.decode()  # fmt: skip

    for key in ("daily", "times", "sla", "breaches", "age", "quality", "csat",
                "queue", "topic", "service_type", "channel", "category", "city",
                "agents", "heatmap", "deflection"):  # fmt: skip
        assert f'id="table-{key}"' in html, key
        assert f"/reports/export/{key}.csv?start=2026-03-16" in html, key
    assert html.count("<canvas") >= 10
    assert 'id="summary-created">6<' in html
    assert "heat-5" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "2026-03-20", "end": "2026-03-16"},
            "не может быть раньше его начала",
        ),
        ({"start": "2024-01-01", "end": "2026-03-16"}, "не больше чем за 366"),
        ({"start": "вчера"}, "Введите правильную дату"),
        ({"queue": "999999"}, "Выберите корректный вариант"),
        ({"end": "0001-01-05"}, "Выберите дату с 01.01.2000 по 31.12.2099"),
        ({"start": "0001-01-01", "end": "0001-01-10"}, "Выберите дату с 01.01.2000"),
        ({"start": "9999-12-31", "end": "9999-12-31"}, "Выберите дату с 01.01.2000"),
    ],
)
def test_a_wrong_filter_is_explained_and_kept(reference_data, params, message):
    response = employee(roles.MANAGERS).get(
        "/reports/", params, HTTP_ACCEPT_LANGUAGE="ru"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="table-daily"' not in html
    for value in params.values():
        assert f'value="{value}"' in html or value == "999999"


@pytest.mark.parametrize(
    "params",
    [
        {"end": "0001-01-05"},
        {"start": "0001-01-01", "end": "0001-01-10"},
        {"start": "9999-12-31", "end": "9999-12-31"},
    ],
)
def test_an_export_of_a_date_out_of_range_is_not_found(reference_data, params):
    manager = employee(roles.MANAGERS)

    for path in ("/reports/export/daily.csv", "/reports/export/all.xlsx"):
        assert manager.get(path, params).status_code == 404


def test_exports_neutralise_formulas():
    table = Table(
        "t",
        "T",
        ["Name", "Value"],
        [
            ['=HYPERLINK("http://x")', 1],
            ["+1", -2],
            ["-cmd", 3.5],
            ["@SUM(A1)", None],
            ["\tTab", 0],
            ["\rCR", 1],
            ["Обычный", 2],
        ],
    )

    text = table_csv(table)

    assert "'=HYPERLINK" in text
    assert "'+1" in text
    assert ",-2" in text
    assert "'-cmd" in text
    assert "'@SUM" in text
    assert "'\tTab" in text
    assert "'\rCR" in text
    assert "Обычный,2" in text
    assert neutralise(-5) == -5
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(tables_xlsx([table])))["T"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1] == ['\'=HYPERLINK("http://x")', 1]
    assert values[2] == ["'+1", -2]
    assert sheet["A2"].data_type == "s"  # text, never a formula


def test_csv_and_xlsx_downloads_carry_the_table(data):
    manager = employee(roles.MANAGERS)
    period = {"start": "2026-03-16", "end": "2026-03-20"}

    with freeze_time(NOW):
        csv_response = manager.get("/reports/export/daily.csv", period)
        xlsx_response = manager.get("/reports/export/all.xlsx", period)
        missing = manager.get("/reports/export/nothing.csv", period)
        wrong = manager.get("/reports/export/daily.exe", period)

    assert csv_response["Content-Disposition"] == (
        'attachment; filename="report-daily-20260316-20260320.csv"'
    )
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[1:] == [
        "2026-03-16,2,0,3", "2026-03-17,1,2,2", "2026-03-18,1,0,3",
        "2026-03-19,1,0,4", "2026-03-20,1,2,3",
    ]  # fmt: skip
    assert xlsx_response.content[:2] == b"PK"
    assert missing.status_code == wrong.status_code == 404
    from openpyxl import load_workbook

    # One sheet per table, named by its title in the reader's language.
    names = load_workbook(io.BytesIO(xlsx_response.content)).sheetnames
    report, _tables = build()
    assert len(names) == len(set(names)) == len(report["tables"])
    assert "daily" not in names
    assert any(name.startswith("Пропущенные сроки") for name in names), names


# What subscribers see --------------------------------------------------------------


@pytest.fixture
def answered(reference_data):
    with freeze_time(NOW):
        # Within the last three days (since Tue 17 March 12:00):
        ticket(at(19, 12), fr=0.5)  # e-mail, 30 min
        ticket(at(19, 13), fr=1.5)  # e-mail, 90 min
        ticket(at(20, 9), fr=3)  # e-mail, 180 min
        ticket(at(18, 13), fr=2, channel="phone")  # call-back, 120 min
        ticket(at(19, 14))  # not answered yet: not counted
        ticket(at(16, 10), fr=48)  # too old


def test_wait_times_per_channel_over_three_days(answered):
    from tickets.reports import wait_times

    with freeze_time(NOW), translation.override("en"):
        measured = wait_times()

    waits = {wait.channel: wait for wait in measured["waits"]}
    assert (waits["email"].tickets, waits["email"].average_minutes,
            waits["email"].median_minutes) == (3, 100, 90)  # fmt: skip
    assert (waits["phone"].average_minutes, waits["phone"].median_minutes) == (120, 120)
    assert waits["chat"].tickets == 0
    assert measured["quiet"] == []  # six tickets say nothing about quiet hours


def test_the_hotline_and_the_form_show_the_measured_wait(answered, client):
    from django.core.cache import cache

    with freeze_time(NOW):
        hotline = client.get("/hotline/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        form = client.get("/feedback/").content.decode()
        kept = cache.get("tickets:wait-times")  # for ten minutes

    section = hotline.split('id="wait-time"')[1].split("</section>")[0]
    assert "1 ч 40 мин" in section  # the average, 100 minutes
    assert "1 ч 30 мин" in section  # the median
    assert "2 ч" in section  # the call-back
    assert "1 ч 40 мин" in form.split('id="form-wait-time"')[1]
    assert kept["waits"][0].average_minutes == 100


def test_the_quietest_hours_are_measured(reference_data):
    from tickets.reports import wait_times

    with freeze_time(NOW):
        made = [TicketFactory().pk for _n in range(50)]
        for index, pk in enumerate(made):  # 10:00–19:59, five tickets an hour
            hour = 10 + index % 10
            Ticket.objects.filter(pk=pk).update(created_at=at(19 - index % 3, hour))
        measured = wait_times()

    assert measured["quiet"] == [(8, 10), (20, 22)]


def test_the_kept_wait_times_speak_the_reader_language(answered, client):
    with freeze_time(NOW):
        russian = client.get("/hotline/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        client.cookies["django_language"] = "en"
        english = client.get("/hotline/").content.decode()

    assert "Обратный звонок" in russian
    assert "Call-back" in english
    assert "Обратный звонок" not in english.split('id="wait-time"')[1]


def test_the_report_opens_on_the_last_30_days_with_the_dates_filled(data):
    with freeze_time(NOW):
        html = employee(roles.MANAGERS).get("/reports/").content.decode()

    assert 'value="2026-02-19"' in html  # 30 days up to 20 March
    assert 'value="2026-03-20"' in html
    assert 'class="form-select"' in html
    assert 'id="summary-created">7<' in html  # t6 of 13 March counts too
