"""The FAQ's logic: rendering answers, searching, votes and suggestion events.

Search on PostgreSQL is full-text with the Russian configuration (so that
"роутер" finds "роутера" and "роутеры"), ranked, with the matches marked in a
snippet, plus trigram similarity of the question for typos. SQLite has
neither: there every word typed must occur in the question, the tags or the
answer, and the snippet is cut around the first match.
"""

import dataclasses
import hashlib
import re
import uuid

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, ArticleVote, DeflectionEvent, search_document

QUERY_MAX = 200  # characters of a query that are searched
WORDS_MAX = 10
SUGGESTIONS_MAX = 5
RANK_CANDIDATES = 200  # matches ranked on PostgreSQL: the most viewed ones

# Marks the database puts around the matches of a snippet: characters no text
# has, so that the snippet is escaped first and the marks become <mark> after.
MARK_START, MARK_STOP = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W_]{2,}")  # letters and digits, no "_"
_EXCLUDED = re.compile(r"(?:^|\s)-([^\W_]{2,})")  # "-word" leaves the word out


def _query_words(query: str, *, exclusions: bool = True) -> tuple[list[str], list[str]]:
    """The words to look for and the words to leave out ("-word"), lower case.

    Without ``exclusions`` (a ticket's text, where "-" starts a list item)
    every word is looked for.
    """
    excluded = (
        list(dict.fromkeys(w.lower() for w in _EXCLUDED.findall(query)))
        if exclusions
        else []
    )
    words = [
        word
        for word in dict.fromkeys(w.lower() for w in _WORD.findall(query))
        if word not in excluded
    ]
    return words[:WORDS_MAX], excluded[:WORDS_MAX]


def article_index(pks) -> None:
    """Write the full-text documents of these articles (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    Article.objects.filter(pk__in=pks).update(search_vector=search_document())


def query_clean(query: str) -> str:
    """What of a typed query is searched: no control characters, at most 200
    characters."""
    return _CONTROL.sub(" ", query or "").strip()[:QUERY_MAX].strip()


@dataclasses.dataclass
class Hit:
    article: Article
    snippet: SafeString


def faq_search(query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """Published articles matching ``query``, best first, with snippets.

    Subscribers search the same few things all day ("нет интернета"): the
    results of a query are kept in the cache for ``FAQ_SEARCH_CACHE_SECONDS``,
    and any edit of the FAQ drops them all (``faq_changed``).
    """
    query = query_clean(query)
    if not _WORD.search(query):
        return []
    seconds = settings.FAQ_SEARCH_CACHE_SECONDS
    key = None
    if seconds:
        digest = hashlib.sha256(
            f"{query.lower()}|{limit}|{offset}".encode()
        ).hexdigest()
        key = f"faq:search:{_cache_version()}:{digest[:32]}"
        kept = cache.get(key)
        if kept is not None:
            return [
                Hit(Article(pk=pk, title=title, slug=slug), mark_safe(snippet))  # noqa: S308 - kept from _marked
                for pk, title, slug, snippet in kept
            ]
    if connection.vendor == "postgresql":
        hits = _pg_search(query, limit, offset)
    else:
        hits = _words_search(query, limit, offset)
    if key:
        kept = [
            (hit.article.pk, hit.article.title, hit.article.slug, str(hit.snippet))
            for hit in hits
        ]
        cache.set(key, kept, seconds)
    return hits


_VERSION_KEY = "faq:version"


def _cache_version() -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(_VERSION_KEY)
    return version


def faq_changed(**_kwargs) -> None:
    """Drop every kept search result (an article or a category changed)."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


def faq_suggest(text: str, *, topic_id=None, service_type_id=None) -> list[Hit]:
    """Up to five articles for a ticket being written: any of its words,
    the ticket's topic and service type first; with no words, the topic's
    most viewed articles."""
    text = query_clean(text)
    articles = Article.objects.published()
    boost = Q(pk__in=[])
    if topic_id:
        boost |= Q(topics=topic_id)
    if service_type_id:
        boost |= Q(service_types=service_type_id)
    hits = []
    if _WORD.search(text):
        if connection.vendor == "postgresql":
            hits = _pg_search(
                text,
                SUGGESTIONS_MAX * 4,
                0,
                fields=("title", "slug", "answer_html"),
                exclusions=False,
            )
        else:
            hits = _words_search(text, SUGGESTIONS_MAX * 4, 0, any_word=True)
        if hits and (topic_id or service_type_id):
            favoured = set(
                articles.filter(
                    boost, pk__in=[hit.article.pk for hit in hits]
                ).values_list("pk", flat=True)
            )
            hits.sort(key=lambda hit: hit.article.pk not in favoured)  # stable
    elif topic_id:
        hits = [
            Hit(article, _snippet_plain(article.answer_text, []))
            for article in articles.filter(topics=topic_id).order_by("-views")[
                :SUGGESTIONS_MAX
            ]
        ]
    return hits[:SUGGESTIONS_MAX]


def _pg_search(
    query: str,
    limit: int,
    offset: int,
    *,
    fields: tuple = ("title", "slug"),
    exclusions: bool = True,
) -> list[Hit]:
    """Articles with every word first (the query as typed: phrases in quotes,
    "-word" leaves out), then those with some of the words, each part ranked;
    when that leaves the first page short, questions that look like the query
    (typos). One query with its snippets; a second one only for typos."""
    words, excluded = _query_words(query, exclusions=exclusions)
    if not words:  # only words to leave out
        return []
    every = SearchQuery(
        query if exclusions else " ".join(words),
        config="russian",
        search_type="websearch",
    )
    some_text = " | ".join(words)
    if excluded:
        some_text = f"({some_text}) & " + " & ".join(f"!{word}" for word in excluded)
    some = SearchQuery(some_text, config="russian", search_type="raw")
    published = Article.objects.published()
    # Ranking reads every matching document; a word in thousands of answers
    # would cost that on every search. The candidates are the most viewed
    # matches of each kind (through the views index), ranked by relevance.
    bound = max(RANK_CANDIDATES, offset + limit)
    candidates = (
        published.filter(search_vector=every)
        .order_by("-views")
        .values("pk")[:bound]
        .union(
            published.filter(search_vector=some).order_by("-views").values("pk")[:bound]
        )
    )
    articles = list(
        Article.objects.filter(pk__in=candidates)
        .only(*fields)
        .annotate(
            every_word=ExpressionWrapper(
                Q(search_vector=every), output_field=BooleanField()
            ),
            rank=SearchRank(F("search_vector"), some),
            # Computed for the rows of the page only (after the LIMIT).
            headline=SearchHeadline(
                "answer_text",
                some,
                config="russian",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-every_word", "-rank", "order", "pk")[offset : offset + limit]
    )
    hits = [Hit(article, _marked(article.headline)) for article in articles]
    if len(hits) < limit and offset == 0:
        similar = published.filter(title__trigram_word_similar=" ".join(words))
        if excluded:
            similar = similar.exclude(
                search_vector=SearchQuery(
                    " | ".join(excluded), config="russian", search_type="raw"
                )
            )
        similar = (
            similar.exclude(pk__in=[hit.article.pk for hit in hits])
            .only(*fields, "answer_text")
            .annotate(similarity=TrigramWordSimilarity(" ".join(words), "title"))
            .order_by("-similarity", "order", "pk")[: limit - len(hits)]
        )
        hits += [
            Hit(article, _snippet_plain(article.answer_text, [])) for article in similar
        ]
    return hits


def _marked(headline: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped first, then only our marks
        escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def _spellings(word: str) -> set[str]:
    # SQLite folds the case of Latin letters only: try the usual forms.
    return {word, word.lower(), word.capitalize(), word.upper()}


def _words_search(
    query: str, limit: int, offset: int, *, any_word: bool = False
) -> list[Hit]:
    # "Any word" is the suggestions' search: a ticket's text, no exclusions.
    words, excluded = _query_words(query, exclusions=not any_word)
    if not words:  # only words to leave out
        return []

    def containing(word):
        matches = Q()
        for form in _spellings(word):
            matches |= (
                Q(title__contains=form)
                | Q(tags__contains=form)
                | Q(answer_text__contains=form)
            )
        return matches

    condition = Q(pk__in=[]) if any_word else Q()
    for word in words:
        matches = containing(word)
        condition = (condition | matches) if any_word else (condition & matches)
    for word in excluded:
        condition &= ~containing(word)
    candidates = Article.objects.published().filter(condition)[:500]

    def score(article):
        title, tags = article.title.lower(), article.tags.lower()
        text = article.answer_text.lower()
        return sum(
            3 * (word in title) + 2 * (word in tags) + (word in text) for word in words
        )

    ranked = sorted(candidates, key=lambda article: (-score(article), article.order))
    return [
        Hit(article, _snippet_plain(article.answer_text, words))
        for article in ranked[offset : offset + limit]
    ]


def _snippet_plain(text: str, words: list[str], width: int = 220) -> SafeString:
    """About ``width`` characters of ``text`` around the first match, escaped,
    with the words marked."""
    lowered = text.lower()
    positions = [lowered.find(word) for word in words if word in lowered]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = text[start : start + width]
    if start:
        piece = "… " + piece.split(" ", 1)[-1]
    if start + width < len(text):
        piece = piece.rsplit(" ", 1)[0] + " …"
    marked = escape(piece)
    for word in words:
        marked = re.sub(
            f"({re.escape(escape(word))})",
            r"<mark>\1</mark>",
            marked,
            flags=re.IGNORECASE,
        )
    return mark_safe(marked)  # noqa: S308 - escaped first, then only <mark>


def article_viewed(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def article_vote(*, article: Article, visitor: str, helpful: bool) -> bool:
    """Count a visitor's answer to "did this help?"; False if they answered."""
    try:
        with transaction.atomic():
            ArticleVote.objects.create(
                article=article, visitor=visitor, helpful=helpful
            )
            counter = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    except IntegrityError:
        return False
    return True


def deflection_record(*, kind: str, articles, flow: uuid.UUID, topic_id=None) -> None:
    """Record suggestions shown, opened or solving the problem; once per
    (form visit, article, kind).

    A topic that the form does not offer (an old page, a typed address) is
    not recorded: the event stays, without its topic.
    """
    from tickets.services import topics_offered

    if topic_id not in topics_offered():
        topic_id = None
    DeflectionEvent.objects.bulk_create(
        [
            DeflectionEvent(kind=kind, article=article, flow=flow, topic_id=topic_id)
            for article in articles
        ],
        ignore_conflicts=True,
    )
