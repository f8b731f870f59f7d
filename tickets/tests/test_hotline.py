import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_hotline_shows_separate_numbers_for_individuals_and_business(client, settings):
    settings.PORTAL_HOTLINE_INDIVIDUALS = "+78001000800"
    settings.PORTAL_HOTLINE_BUSINESS = "+78002003000"

    html = client.get(reverse("tickets:hotline")).content.decode()

    assert "Для частных лиц" in html
    assert 'href="tel:+78001000800"' in html
    assert "Для бизнеса" in html
    assert 'href="tel:+78002003000"' in html
    assert "8 (800) 200-30-00" in html


def test_hotline_lists_what_to_prepare_and_when_a_technician_is_needed(client):
    html = client.get(reverse("tickets:hotline")).content.decode()

    assert "Перед звонком подготовьте" in html
    for item in ["Модель роутера", "Операционная система", "лицевого счёта"]:
        assert item in html
    assert "устраняет мастер" in html
    assert reverse("tickets:feedback") in html


@pytest.mark.parametrize("language", ["ru", "en"])
def test_hotline_keeps_a_place_for_the_wait_time_but_invents_no_number(
    client, language
):
    client.cookies["django_language"] = language

    html = client.get(reverse("tickets:hotline")).content.decode()

    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'id="wait-time"' in main
    assert not re.search(r"\d+\s*(мин|min|час|hour|сек|sec)", main, re.IGNORECASE)


def test_free_call_is_promised_only_for_toll_free_numbers(client, settings):
    settings.PORTAL_HOTLINE_INDIVIDUALS = "+78001000800"
    settings.PORTAL_HOTLINE_BUSINESS = "+74957777777"  # a Moscow number, not free

    html = client.get(reverse("tickets:hotline")).content.decode()

    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("Звонок по России бесплатный.") == 1
    business = main.split('id="hotline-business"', 1)[1]
    assert "бесплатный" not in business.split("</section>", 1)[0]


def test_hotline_in_english(client):
    client.cookies["django_language"] = "en"

    html = client.get(reverse("tickets:hotline")).content.decode()

    assert "Before you call, prepare" in html
    assert "For business" in html


def test_feedback_section_offers_the_ways_to_reach_support(client):
    html = client.get(reverse("tickets:feedback")).content.decode()

    assert 'id="before-you-write"' in html
    assert "tel:+78001000800" in html
    assert reverse("faq:list") in html
    assert reverse("offices:list") in html
