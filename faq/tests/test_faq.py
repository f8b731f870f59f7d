"""The FAQ: safe answers, search, votes and the suggestions beside the form."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.tests.factories import UserFactory
from faq import services
from faq.demo import demo_faq_load
from faq.models import Article, ArticleVote, DeflectionEvent, FaqCategory
from faq.rendering import answer_render
from tickets.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def faq(reference_data):
    demo_faq_load()
    return {article.slug: article for article in Article.objects.all()}


def titles(hits):
    return [hit.article.title for hit in hits]


# Rendering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>Текст",
        '<img src=x onerror="alert(1)">Текст',
        '<a href="#" onclick="alert(1)">Текст</a>',
        "[Текст](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>Текст',
        "<style>body{display:none}</style>Текст",
        '<p style="position:fixed" onmouseover="alert(1)">Текст</p>',
    ],
)
def test_scripts_and_event_handlers_are_removed_from_answers(source):
    html, text = answer_render(source)

    assert "Текст" in html
    for danger in ("<script", "alert", "onerror", "onclick", "javascript:", "<iframe",
                   "<style", "style=", "onmouseover"):  # fmt: skip
        assert danger not in html
    assert "alert" not in text


def test_markdown_is_rendered_and_links_are_made_safe():
    html, text = answer_render(
        "**Жирный** и *курсив*\n\n- один\n- два\n\n[Сайт](https://example.ru) `код`"
    )

    assert "<strong>Жирный</strong>" in html
    assert "<em>курсив</em>" in html
    assert "<li>один</li>" in html
    assert 'href="https://example.ru"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<code>код</code>" in html
    assert text == "Жирный и курсив один два Сайт код"


def test_a_saved_article_keeps_its_rendered_answer(faq):
    article = faq["net-down"]
    article.answer = "Новый **ответ** <script>x()</script>"
    article.save()

    article.refresh_from_db()
    assert article.answer_html == "<p>Новый <strong>ответ</strong> </p>"
    assert "x()" not in article.answer_text


# Search -----------------------------------------------------------------------------


def test_search_finds_whole_words_on_any_database(faq):
    assert titles(services.faq_search("роутер"))[0] == "Как настроить роутер?"
    assert "Переезд" in titles(services.faq_search("переезд"))
    assert services.faq_search("квантовый телепорт") == []


def test_search_leaves_out_unpublished_articles(faq):
    Article.objects.filter(slug="router-setup").update(is_published=False)

    assert "Как настроить роутер?" not in titles(services.faq_search("роутер"))


def test_snippets_are_escaped_and_marked(faq):
    article = faq["router-setup"]
    article.answer = "Роутер `<b>жирным</b>` & роутер ещё раз"
    article.save()

    [hit] = [h for h in services.faq_search("роутер") if h.article.pk == article.pk]

    assert "&amp;" in hit.snippet
    assert "<b>" not in hit.snippet  # escaped (SQLite) or dropped (PostgreSQL)
    assert "<mark>" in hit.snippet.lower()


@pytest.mark.parametrize("form", ["роутера", "роутеры", "роутеров", "РОУТЕРОМ"])
def test_russian_word_forms_are_found_on_postgresql(require_postgres, faq, form):
    assert "Как настроить роутер?" in titles(services.faq_search(form))


def test_typos_are_forgiven_on_postgresql(require_postgres, faq):
    assert "Как настроить роутер?" in titles(services.faq_search("роутр"))
    assert "Переезд" in titles(services.faq_search("перезд"))


def test_postgresql_ranks_the_question_above_the_answer(require_postgres, faq):
    hits = services.faq_search("приставка")

    assert hits[0].article.title in {
        "Нет сигнала на ТВ-приставке",
        "Изображение рассыпается на квадраты",
    }
    assert "<mark>" in hits[0].snippet


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"роутер',
        "100%",
        "_",
        "\\",
        "\\\\'; DROP TABLE faq_article; --",
        "' OR 1=1 --",
        "роутер & | ! ( ) : *",
        "a" * 10_000,
        "роутер " * 2_000,
        "\x00\x01роутер",
        "🙂🙂🙂",
    ],
)
def test_odd_queries_get_a_normal_page(client, faq, query):
    response = client.get("/faq/search/", {"q": query})

    assert response.status_code == 200
    assert Article.objects.count() == 30  # and nothing happened to the table


def test_the_search_page_shows_results_and_pages(client, faq):
    html = client.get("/faq/search/", {"q": "роутер"}).content.decode()

    assert "Как настроить роутер?" in html
    assert 'value="роутер"' in html
    assert client.get("/faq/search/", {"q": "роутер", "page": "x"}).status_code == 200
    assert client.get("/faq/search/", {"q": "роутер", "page": "999"}).status_code == 200


def test_every_page_has_the_search_box(client, faq):
    for path in ("/", "/faq/", "/hotline/", "/feedback/"):
        html = client.get(path).content.decode()
        assert 'role="search"' in html, path
        assert 'action="/faq/search/"' in html, path


# Pages and votes --------------------------------------------------------------------


def test_the_home_shows_topics_most_viewed_and_most_helpful(client, faq):
    for _n in range(3):
        client.get(faq["moving"].get_absolute_url())
    services.article_vote(article=faq["top-up"], visitor="u1", helpful=True)

    html = client.get("/faq/").content.decode()

    popular = html.split('id="faq-popular"')[1].split("</section>")[0]
    assert popular.index("Переезд") < popular.index("</ol>")
    assert "Как пополнить баланс?" in html.split('id="faq-helpful"')[1]
    assert "Интернет" in html
    faq["moving"].refresh_from_db()
    assert faq["moving"].views == 3


def test_unpublished_articles_and_empty_categories_are_404(client, faq):
    article = faq["wink"]
    Article.objects.filter(pk=article.pk).update(is_published=False)
    FaqCategory.objects.create(slug="empty", name="Пусто")

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get("/faq/c/empty/").status_code == 404
    assert "Подписки Wink" not in client.get("/faq/c/tv/").content.decode()


def test_a_visitor_votes_once(client, faq):
    article = faq["wifi-password"]
    vote = f"/faq/a/{article.slug}/vote/"

    client.post(vote, {"helpful": "yes"})
    again = client.post(vote, {"helpful": "no"}, follow=True)

    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    assert "уже ответили" in again.content.decode()
    assert "Спасибо" in client.get(article.get_absolute_url()).content.decode()
    # Another browser is another visitor; a user is one visitor in any browser.
    Client().post(vote, {"helpful": "no"})
    user = UserFactory()
    for _browser in range(2):
        signed_in = Client()
        signed_in.force_login(user)
        signed_in.post(vote, {"helpful": "yes"})
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (2, 1)
    assert ArticleVote.objects.count() == 3


def test_a_vote_without_an_answer_is_explained(client, faq):
    article = faq["wifi-password"]

    response = client.post(
        f"/faq/a/{article.slug}/vote/", {"helpful": "maybe"}, follow=True
    )

    assert "Выберите" in response.content.decode()
    assert not ArticleVote.objects.exists()


# Suggestions beside the feedback form ---------------------------------------------


def test_suggestions_follow_the_text_and_the_topic(client, faq):
    flow = uuid.uuid4()
    fault = Topic.objects.get(code="fault")

    response = client.get(
        "/faq/suggest/",
        {"q": "Горит красный LOS на роутере", "topic": fault.pk, "flow": flow},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Горит красный индикатор LOS или PON" in html
    assert html.count("<details") <= 5
    shown = DeflectionEvent.objects.filter(flow=flow, kind="shown")
    assert shown.count() == html.count("<details")
    # The same suggestions again in the same visit are not counted twice.
    client.get("/faq/suggest/", {"q": "Горит красный LOS на роутере",
                                 "topic": fault.pk, "flow": flow})  # fmt: skip
    assert shown.count() == html.count("<details")


def test_a_topic_alone_suggests_its_articles(client, faq):
    billing = Topic.objects.get(code="billing")

    html = client.get("/faq/suggest/", {"topic": billing.pk}).content.decode()

    assert "Как пополнить баланс?" in html


def test_nothing_to_suggest_is_an_empty_fragment(client, faq):
    for params in ({}, {"q": "ъъъ"}, {"q": "x", "topic": "abc", "flow": "nonsense"}):
        response = client.get("/faq/suggest/", params)
        assert response.status_code == 200
        assert "<details" not in response.content.decode()
    assert not DeflectionEvent.objects.exists()


def test_opening_and_solving_are_recorded_and_solving_ends_the_flow(client, faq):
    flow = uuid.uuid4()
    article = faq["los-red"]
    data = {"article": article.pk, "flow": flow}

    assert client.post("/faq/suggest/opened/", data).status_code == 204
    response = client.post("/faq/suggest/solved/", data)

    assert response.status_code == 200
    assert "обращение не нужно" in response.content.decode()
    kinds = set(
        DeflectionEvent.objects.filter(flow=flow).values_list("kind", flat=True)
    )
    assert kinds == {"opened", "solved"}
    assert (
        client.post("/faq/suggest/solved/", {"article": 0, "flow": flow}).status_code
        == 404
    )
    assert (
        client.post("/faq/suggest/opened/", {"article": article.pk}).status_code == 404
    )
    assert client.get("/faq/suggest/solved/").status_code == 405


# Admin ------------------------------------------------------------------------------


def test_the_admin_previews_the_answer_as_subscribers_see_it(faq):
    editor = UserFactory(subscriber=None, is_staff=True)
    editor.groups.add(Group.objects.get(name="Администраторы портала"))
    client = Client()
    client.force_login(editor)

    page = client.get(f"/admin/faq/article/{faq['moving'].pk}/change/")
    preview = client.post(
        "/admin/faq/article/preview/", {"answer": "**Да** <script>x()</script>"}
    )

    assert page.status_code == 200
    assert 'id="answer-preview"' in page.content.decode()
    assert preview.content.decode() == "<p><strong>Да</strong> </p>"
    assert (
        Client().post("/admin/faq/article/preview/", {"answer": "x"}).status_code == 302
    )


def test_search_results_are_kept_until_the_faq_is_edited(
    faq, django_assert_num_queries
):
    services.faq_search("переезд")
    with django_assert_num_queries(0):
        assert "Переезд" in titles(services.faq_search("Переезд"))  # kept

    article = faq["moving"]
    article.title = "Переезд на новый адрес"
    article.save()

    assert "Переезд на новый адрес" in titles(services.faq_search("переезд"))


def test_without_keeping_every_search_asks_the_database(faq, settings):
    settings.FAQ_SEARCH_CACHE_SECONDS = 0
    services.faq_search("переезд")
    Article.objects.filter(slug="moving").update(title="Переезд: как быть")

    assert "Переезд: как быть" in titles(services.faq_search("переезд"))


@pytest.mark.parametrize("odd", ["²", "٣", "1e3", "-1", "9" * 30, "\x00"])
def test_odd_numbers_in_addresses_are_ignored(client, faq, odd):
    flow = str(uuid.uuid4())
    article = faq["los-red"].pk

    assert client.get("/faq/search/", {"q": "роутер", "page": odd}).status_code == 200
    for params in ({"topic": odd}, {"service_type": odd}):
        response = client.get("/faq/suggest/", {"q": "роутер", "flow": flow, **params})
        assert response.status_code == 200
    for path in ("/faq/suggest/opened/", "/faq/suggest/solved/"):
        data = {"article": article, "flow": flow, "topic": odd}
        assert client.post(path, data).status_code in (200, 204)
        assert client.post(path, {**data, "article": odd}).status_code == 404


def test_a_topic_the_form_does_not_offer_is_left_out_of_the_events(client, faq):
    flow = uuid.uuid4()
    article = faq["los-red"]
    unknown = Topic.objects.order_by("-pk").first().pk + 1000

    shown = client.get("/faq/suggest/", {"q": "роутер", "topic": unknown, "flow": flow})
    opened = client.post(
        "/faq/suggest/opened/", {"article": article.pk, "flow": flow, "topic": unknown}
    )
    solved = client.post(
        "/faq/suggest/solved/", {"article": article.pk, "flow": flow, "topic": unknown}
    )

    assert (shown.status_code, opened.status_code, solved.status_code) == (
        200,
        204,
        200,
    )
    events = DeflectionEvent.objects.filter(flow=flow)
    assert {event.kind for event in events} == {"shown", "opened", "solved"}
    assert all(event.topic_id is None for event in events)


def test_a_page_past_the_last_answers_says_so_and_leads_back(client, faq):
    html = client.get("/faq/search/", {"q": "роутер", "page": 40}).content.decode()

    assert "Ничего не нашлось" not in html
    assert "?q=%D1%80%D0%BE%D1%83%D1%82%D0%B5%D1%80" in html


def test_a_ticket_typed_as_a_list_still_gets_its_suggestions(client, faq):
    text = "Проблема:\n-роутер горит красный LOS"

    html = client.get("/faq/suggest/", {"q": text}).content.decode()

    assert "Горит красный индикатор LOS или PON" in html


def test_a_word_with_a_minus_is_left_out(client, faq):
    both = client.get("/faq/search/", {"q": "линии"}).content.decode()
    without = client.get("/faq/search/", {"q": "линии -LOS"}).content.decode()

    assert "Горит красный индикатор LOS или PON" in both
    assert "Нет гудка в телефоне" in both
    assert "Горит красный индикатор LOS или PON" not in without
    assert "Нет гудка в телефоне" in without
    only_minus = client.get("/faq/search/", {"q": "-линии"})
    assert only_minus.status_code == 200
