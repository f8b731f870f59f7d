"""The offices page in a real browser: a city, a marker, the nearest office."""

import re

import pytest
from playwright.sync_api import expect

from offices.demo import demo_offices_load
from offices.models import Office
from portal.testing import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offices(reference_data):
    demo_offices_load()


def test_choose_a_city_click_a_marker_and_read_the_address_and_hours(page, offices):
    office = Office.objects.filter(city__slug="kazan").order_by("code").first()

    page.goto("/offices/")
    page.get_by_label("Город").select_option(label="Казань")
    expect(page.get_by_role("heading", name="Офисы: Казань")).to_be_visible()
    # The marker: Leaflet names it by the office's address.
    page.get_by_role("button", name=office.address).click()

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(office.address)
    item = page.locator(f"#office-{office.pk}")
    expect(popup).to_contain_text(item.locator(".office-today").inner_text())
    expect(item.locator("details")).to_have_attribute("open", "")
    expect(item.locator(".office-week tr")).to_have_count(7)
    status = item.locator(".office-state").inner_text()
    assert status.startswith(("Открыто", "Закрыто", "Обед"))
    expect(popup).to_contain_text(status)
    # The city is remembered.
    page.goto("/offices/")
    expect(page.get_by_role("heading", name="Офисы: Казань")).to_be_visible()


def test_the_nearest_office_from_the_browser_location_and_from_a_map_click(
    page, offices
):
    kazan = Office.objects.filter(city__slug="kazan").order_by("code")
    target = kazan.last()
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(
        {"latitude": target.latitude + 0.001, "longitude": target.longitude}
    )

    page.goto("/offices/?city=kazan")
    page.get_by_role("button", name="Ближайший ко мне").click()

    expect(page.get_by_text("Офисы упорядочены по расстоянию")).to_be_visible()
    first = page.locator("#office-list li.office").first
    expect(first).to_have_id(f"office-{target.pk}")
    expect(first.locator(".office-distance")).to_contain_text("км")

    other = kazan.first()
    # Show another office on the map, then click the map just below its pin's
    # tip (its popup opens above): the list is ordered from there.
    page.locator(f"#office-{other.pk}").get_by_role(
        "button", name="Показать на карте"
    ).click()
    expect(
        page.locator(".leaflet-popup-content", has_text=other.address)
    ).to_be_visible()
    # The page scrolls smoothly up to the map, and the map pans: wait for both.
    page.wait_for_function(
        "() => !document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim')"
        " && document.getElementById('office-map').getBoundingClientRect().top > -2"
    )
    pin = page.get_by_role("button", name=other.address).bounding_box()
    page.mouse.click(pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] + 6)
    expect(page.locator("#office-list li.office").first).to_have_id(
        f"office-{other.pk}"
    )


def test_without_location_the_page_explains_and_the_list_works(page, offices):
    page.goto("/offices/?city=kazan")
    page.get_by_role("button", name="Ближайший ко мне").click()  # not granted

    expect(
        page.get_by_text("Не удалось определить ваше местоположение")
    ).to_be_visible()
    page.get_by_label("Только открытые сейчас").check()
    visible = page.locator("#office-list li.office:visible").count()
    assert (
        visible
        == Office.objects.filter(city__slug="kazan").count()
        - page.locator("#office-list li.office[data-open='0']").count()
    )


def test_the_offices_page_has_no_serious_accessibility_violations(page, offices):
    page.goto("/offices/?city=moscow")
    assert axe_violations(page) == []


def test_arrow_keys_move_through_the_cities_and_enter_shows_one(page, offices):
    page.goto("/offices/?city=kazan")
    city = page.get_by_label("Город")
    city.focus()

    city.press("ArrowDown")
    page.wait_for_timeout(300)
    assert "city=kazan" in page.url  # no reload while stepping through
    expect(city).to_be_focused()
    chosen = city.input_value()
    city.press("Enter")

    expect(page).to_have_url(re.compile(rf"city={chosen}"))


def test_only_open_now_says_so_when_no_office_is_open(page, offices):
    from offices.models import City

    quiet = City.objects.create(
        slug="quiet", name="Тихий", latitude=55.0, longitude=37.0,
        time_zone="Europe/Moscow",
    )  # fmt: skip
    Office.objects.create(
        city=quiet, code="never", name="Офис без часов", address="ул. Тихая, 1",
        latitude=55.0, longitude=37.0,
    )  # fmt: skip
    page.goto("/offices/?city=quiet")

    page.get_by_label("Только открытые сейчас").check()

    expect(
        page.get_by_text("Сейчас в этом городе не работает ни один офис")
    ).to_be_visible()
    page.get_by_label("Только открытые сейчас").uncheck()
    expect(page.locator("#office-list li.office").first).to_be_visible()
    expect(
        page.get_by_text("Сейчас в этом городе не работает ни один офис")
    ).to_be_hidden()


def test_a_marker_opens_its_office_by_keyboard_and_keeps_a_phone_still(page, offices):
    office = Office.objects.filter(city__slug="kazan").order_by("code").first()
    page.goto("/offices/?city=kazan")
    marker = page.get_by_role("button", name=office.address)

    marker.focus()
    marker.press("Enter")

    expect(page.locator(".leaflet-popup-content")).to_contain_text(office.address)
    item = page.locator(f"#office-{office.pk}")
    expect(item).to_have_class(re.compile(r"\bactive\b"))

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/offices/?city=kazan")
    marker = page.get_by_role("button", name=office.address)
    marker.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    marker.click()
    expect(page.locator(".leaflet-popup-content")).to_be_visible()
    assert page.evaluate("window.scrollY") == before  # the popup stays in view
