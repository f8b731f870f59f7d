"""Frequently asked questions: categories, articles, votes and deflection events."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.i18n import TranslatedNameMixin

from .rendering import answer_render


class FaqCategory(TranslatedNameMixin, models.Model):
    name = models.CharField(_("name in Russian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    slug = models.SlugField(_("address"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("faq:category", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


def search_document() -> SearchVector:
    """An article's full-text document: the question and tags weigh most."""
    return (
        SearchVector("title", weight="A", config="russian")
        + SearchVector("tags", weight="A", config="russian")
        + SearchVector("answer_text", weight="B", config="russian")
    )


class Article(models.Model):
    """A question with its answer (Markdown, kept rendered and sanitised)."""

    category = models.ForeignKey(
        FaqCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    title = models.CharField(_("question"), max_length=200)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    answer = models.TextField(
        _("answer"),
        help_text=_(
            "Markdown: **bold**, *italic*, lists, [links](https://…), `code`. "
            "Scripts and raw HTML are removed."
        ),
    )
    # Written by faq.services.article_render on every save.
    answer_html = models.TextField(_("answer, rendered"), blank=True, editable=False)
    answer_text = models.TextField(_("answer, plain text"), blank=True, editable=False)
    service_types = models.ManyToManyField(
        "accounts.ServiceType",
        verbose_name=_("service types"),
        blank=True,
        related_name="faq_articles",
    )
    topics = models.ManyToManyField(
        "tickets.Topic",
        verbose_name=_("ticket topics"),
        blank=True,
        related_name="faq_articles",
        help_text=_("Offered first beside the feedback form for these topics."),
    )
    tags = models.CharField(
        _("tags"),
        max_length=255,
        blank=True,
        help_text=_("Words subscribers may search with, separated by commas."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    views = models.PositiveIntegerField(_("views"), default=0, editable=False)
    helpful_yes = models.PositiveIntegerField(_("helped"), default=0, editable=False)
    helpful_no = models.PositiveIntegerField(
        _("did not help"), default=0, editable=False
    )
    # PostgreSQL's full-text document (Russian), kept by faq.services.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ article")
        verbose_name_plural = _("FAQ articles")
        ordering = ["category__order", "order", "title"]
        indexes = [
            models.Index(fields=["is_published", "-views"], name="faq_popular"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The rendered answer and the search document follow the Markdown.
        self.answer_html, self.answer_text = answer_render(self.answer)
        super().save(*args, **kwargs)
        if connection.vendor == "postgresql":
            Article.objects.filter(pk=self.pk).update(search_vector=search_document())

    def get_absolute_url(self):
        return reverse("faq:article", args=[self.slug])

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


# PostgreSQL-only indexes (GIN over the document, trigrams for typos) are made
# by migration 0002 when the database is PostgreSQL; on SQLite nothing.
PG_INDEXES = (
    GinIndex(fields=["search_vector"], name="faq_article_search"),
    GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="faq_title_trgm"),
)


class ArticleVote(models.Model):
    """One visitor's "did this help?" for one article."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="votes",
    )
    visitor = models.CharField(_("visitor"), max_length=64)
    helpful = models.BooleanField(_("helped"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "visitor"], name="faq_one_vote_per_visitor"
            )
        ]

    def __str__(self):
        return f"{self.article}: {'+' if self.helpful else '-'}"


class DeflectionEvent(models.Model):
    """An article offered beside the feedback form: shown, opened, or the
    subscriber's problem solved without a ticket. One of each per form visit."""

    class Kind(models.TextChoices):
        SHOWN = "shown", _("shown")
        OPENED = "opened", _("opened")
        SOLVED = "solved", _("solved without a ticket")

    kind = models.CharField(_("event"), max_length=8, choices=Kind.choices)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="deflection_events",
    )
    flow = models.UUIDField(_("form visit"))
    topic = models.ForeignKey(
        "tickets.Topic",
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("FAQ suggestion event")
        verbose_name_plural = _("FAQ suggestion events")
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "article", "kind"], name="faq_event_once_per_visit"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article}"
