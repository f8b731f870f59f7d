import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_faq_section_opens_and_links_to_support(client):
    response = client.get(reverse("faq:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Частые вопросы" in html
    assert reverse("tickets:feedback") in html
