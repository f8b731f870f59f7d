import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        username="anna", password="correct-horse-2026", first_name="Анна"
    )


def test_subscriber_signs_in_and_sees_the_personal_account(client, user):
    response = client.post(
        reverse("accounts:login"),
        {"username": "anna", "password": "correct-horse-2026"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert "Вы вошли как Анна." in response.content.decode()


def test_wrong_password_keeps_the_username_and_explains_in_russian(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": "anna", "password": "wrong"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные" in html
    assert 'value="anna"' in html


def test_sign_out_returns_home(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("accounts:home")).status_code == 302


def test_user_model_is_the_portal_one():
    assert get_user_model()._meta.label == "accounts.User"


def test_empty_sign_in_lists_each_missing_field_in_the_summary(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})

    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_username"' in summary
    assert 'href="#id_password"' in summary
    assert "Это поле обязательно для заполнения." in summary
