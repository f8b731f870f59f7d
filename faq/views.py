"""The FAQ pages, its search and the suggestions beside the feedback form."""

import hashlib
import uuid

from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from portal.params import ascii_int

from . import services
from .models import Article, ArticleVote, DeflectionEvent, FaqCategory

PAGE_SIZE = 20
PAGES_MAX = 50


def _visitor(request, *, create: bool) -> str | None:
    """Who votes: the user, or the browser's session (made when ``create``)."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    if not request.session.session_key:
        if not create:
            return None
        request.session.save()
    digest = hashlib.sha256(request.session.session_key.encode()).hexdigest()
    return "s" + digest[:40]


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class FaqHomeView(TemplateView):
    template_name = "faq/home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published()
        return {
            **super().get_context_data(**kwargs),
            "categories": FaqCategory.objects.annotate(
                count=Count("articles", filter=Q(articles__is_published=True))
            ).filter(count__gt=0),
            "popular": published.order_by("-views", "order")[:5],
            "helpful": published.filter(helpful_yes__gt=0).order_by(
                (F("helpful_yes") - F("helpful_no")).desc(), "-helpful_yes"
            )[:5],
        }


class CategoryView(TemplateView):
    template_name = "faq/category.html"

    def get_context_data(self, **kwargs):
        category = get_object_or_404(FaqCategory, slug=self.kwargs["slug"])
        articles = category.articles.filter(is_published=True).order_by(
            "order", "title"
        )
        if not articles:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "category": category,
            "articles": articles,
        }


class ArticleView(View):
    def get(self, request, slug):
        article = get_object_or_404(
            Article.objects.published().select_related("category"), slug=slug
        )
        services.article_viewed(article)
        visitor = _visitor(request, create=False)
        voted = (
            visitor is not None
            and ArticleVote.objects.filter(article=article, visitor=visitor).exists()
        )
        related = (
            Article.objects.published()
            .filter(category=article.category)
            .exclude(pk=article.pk)
            .order_by("-views")[:5]
        )
        return render(
            request,
            "faq/article.html",
            {
                "article": article,
                "voted": voted,
                "related": related,
                "service_types": article.service_types.all(),
            },
        )


@require_POST
def article_vote(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        messages.error(request, _("Choose “Yes” or “No”."))
    elif services.article_vote(
        article=article,
        visitor=_visitor(request, create=True),
        helpful=helpful == "yes",
    ):
        messages.success(request, _("Thank you: your answer is counted."))
    else:
        messages.info(request, _("You have already answered for this article."))
    return redirect(article.get_absolute_url() + "#vote")


class SearchView(View):
    def get(self, request):
        query = services.query_clean(request.GET.get("q", ""))
        page = min(ascii_int(request.GET.get("page")) or 1, PAGES_MAX)
        hits = (
            services.faq_search(
                query, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
            )
            if query
            else []
        )
        return render(
            request,
            "faq/search.html",
            {
                "query": query,
                "hits": hits[:PAGE_SIZE],
                "page": page,
                "has_next": len(hits) > PAGE_SIZE and page < PAGES_MAX,
                "truncated": len(request.GET.get("q", "")) > services.QUERY_MAX,
            },
        )


def suggest(request):
    """Articles for the ticket being written (an HTML fragment for the form)."""
    topic_id = ascii_int(request.GET.get("topic"))
    hits = services.faq_suggest(
        request.GET.get("q", ""),
        topic_id=topic_id,
        service_type_id=ascii_int(request.GET.get("service_type")),
    )
    flow = _uuid(request.GET.get("flow"))
    if hits and flow:
        services.deflection_record(
            kind=DeflectionEvent.Kind.SHOWN,
            articles=[hit.article for hit in hits],
            flow=flow,
            topic_id=topic_id,
        )
    return render(
        request,
        "faq/_suggestions.html",
        {"hits": hits, "flow": flow, "topic_id": topic_id},
    )


def _event_article(request):
    article = (
        Article.objects.published()
        .filter(pk=ascii_int(request.POST.get("article")))
        .first()
    )
    flow = _uuid(request.POST.get("flow"))
    if article is None or flow is None:
        raise Http404
    return article, flow


@require_POST
def suggestion_opened(request):
    article, flow = _event_article(request)
    services.deflection_record(
        kind=DeflectionEvent.Kind.OPENED,
        articles=[article],
        flow=flow,
        topic_id=ascii_int(request.POST.get("topic")),
    )
    return HttpResponse(status=204)


@require_POST
def suggestion_solved(request):
    """ "This solved my problem": the flow ends here, without a ticket."""
    article, flow = _event_article(request)
    services.deflection_record(
        kind=DeflectionEvent.Kind.SOLVED,
        articles=[article],
        flow=flow,
        topic_id=ascii_int(request.POST.get("topic")),
    )
    return render(request, "faq/solved.html", {"article": article})
