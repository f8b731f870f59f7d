import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_offices_section_opens(client):
    response = client.get(reverse("offices:list"))

    assert response.status_code == 200
    assert "Офисы обслуживания" in response.content.decode()
