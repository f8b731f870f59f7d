"""The offices page and its JSON endpoint."""

import pytest
from freezegun import freeze_time

from accounts.tests.factories import PersonalAccountFactory, UserFactory
from offices.demo import demo_offices_load
from offices.models import City, Office
from offices.services import distance_km

from .factories import office_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(reference_data):
    demo_offices_load()


def test_the_page_lists_the_offices_of_the_chosen_city_and_remembers_it(
    client, offices
):
    response = client.get("/offices/", {"city": "kazan"})

    html = response.content.decode()
    assert response.status_code == 200
    kazan = Office.objects.filter(city__slug="kazan")
    for office in kazan:
        assert office.address in html
    assert "Москва, ул. Ленина" not in html
    assert response.cookies["office_city"].value == "kazan"
    # Next time without asking: the city is remembered.
    again = client.get("/offices/").content.decode()
    assert kazan.first().address in again


def test_a_subscriber_sees_the_city_of_their_account_first(client, offices):
    user = UserFactory()
    PersonalAccountFactory(subscriber=user.subscriber, city="Новосибирск")
    client.force_login(user)

    html = client.get("/offices/").content.decode()

    assert 'value="novosibirsk" selected' in html


def test_an_unknown_city_shows_another_with_a_note(client, offices):
    html = client.get("/offices/", {"city": "atlantis"}).content.decode()

    assert "наших офисов нет" in html
    assert "Офисы: Москва" in html


def test_without_offices_the_page_says_so(client, reference_data):
    assert "Офисов пока нет" in client.get("/offices/").content.decode()


@freeze_time("2026-11-23 07:30:00")  # Monday, 10:30 in Moscow, 17:30 Vladivostok
def test_the_api_gives_a_city_with_hours_in_its_time_zone(client, reference_data):
    office_make(city="vladivostok", code="vvo-1", week="mon-fri 09:00-17:00")
    office_make(city="vladivostok", code="vvo-2", week="mon-fri 09:00-19:00")

    data = client.get("/offices/api/", {"city": "vladivostok"}).json()

    by_code = {office["code"]: office for office in data["offices"]}
    assert by_code["vvo-1"]["open_now"] is False
    assert by_code["vvo-1"]["status"] == "Закрыто, откроется завтра в 09:00"
    assert by_code["vvo-2"]["status"] == "Открыто, закроется в 19:00"
    assert by_code["vvo-2"]["week"][0] == {
        "date": "2026-11-23",
        "day": "Пн",
        "today": True,
        "hours": "09:00–19:00",
    }
    open_now = client.get(
        "/offices/api/", {"city": "vladivostok", "open_now": "1"}
    ).json()
    assert [office["code"] for office in open_now["offices"]] == ["vvo-2"]


def test_the_api_orders_by_distance_from_a_point(client, reference_data):
    kazan = City.objects.get(slug="kazan")
    far = office_make(code="far", latitude=kazan.latitude + 0.05)
    near = office_make(code="near", latitude=kazan.latitude + 0.01)
    middle = office_make(code="middle", longitude=kazan.longitude - 0.03)
    point = {"lat": kazan.latitude, "lon": kazan.longitude}

    data = client.get("/offices/api/", {"city": "kazan", **point}).json()

    assert [office["code"] for office in data["offices"]] == ["near", "middle", "far"]
    assert data["offices"][0]["distance_km"] == pytest.approx(1.1, abs=0.05)
    assert distance_km(
        kazan.latitude, kazan.longitude, far.latitude, far.longitude
    ) == (pytest.approx(5.56, abs=0.01))
    # Without a city: the nearest of every city, and at most `limit`.
    data = client.get("/offices/api/", {**point, "limit": "2"}).json()
    assert [office["code"] for office in data["offices"]] == ["near", "middle"]
    assert near.pk == data["offices"][0]["id"]
    assert middle.pk == data["offices"][1]["id"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"city": "atlantis"},
        {"lat": "abc", "lon": "49"},
        {"lat": "95", "lon": "49"},
        {"lat": "55", "lon": "nan"},
        {"lat": "55"},
    ],
)
def test_the_api_explains_a_wrong_request(client, reference_data, params):
    response = client.get("/offices/api/", params)

    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("limit", ["²", "①", "9" * 5000, "-1", "0", "1e3", ""])
def test_an_odd_limit_gives_the_usual_answer(client, reference_data, limit):
    kazan = City.objects.get(slug="kazan")
    office_make(code="near", latitude=kazan.latitude + 0.01)
    point = {"lat": kazan.latitude, "lon": kazan.longitude}

    for params in ({**point, "limit": limit}, {"city": "kazan", "limit": limit}):
        response = client.get("/offices/api/", params)
        assert response.status_code == 200
        assert [office["code"] for office in response.json()["offices"]] == ["near"]
