"""FAQ editing in the admin, with a live preview of the answer as subscribers see it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.admin_dates import DateHierarchyGuardMixin

from .models import Article, DeflectionEvent, FaqCategory
from .rendering import answer_render


@admin.register(FaqCategory)
class FaqCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "category",
        "is_published",
        "views",
        "helpful_yes",
        "helpful_no",
        "updated_at",
    )
    list_filter = ("is_published", "category", "service_types")
    search_fields = ("title", "tags")
    list_select_related = ("category",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("service_types", "topics")
    readonly_fields = ("preview", "views", "helpful_yes", "helpful_no")
    fields = (
        "category",
        "title",
        "slug",
        "answer",
        "preview",
        "service_types",
        "topics",
        "tags",
        "is_published",
        "order",
        "views",
        "helpful_yes",
        "helpful_no",
    )

    class Media:
        css = {"all": ("faq/admin.css",)}
        js = ("faq/admin_preview.js",)

    @admin.display(description=_("preview"))
    def preview(self, article):
        """The answer as subscribers see it, redrawn as it is typed
        (faq/admin_preview.js); first the saved one, which is nh3's output."""
        saved = mark_safe(article.answer_html) if article.pk else ""  # noqa: S308
        return format_html(
            '<div id="answer-preview" class="faq-preview" data-url="{}">{}</div>',
            reverse("admin:faq_article_preview"),
            saved,
        )

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(require_POST(self.preview_view)),
                name="faq_article_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """The Markdown typed in the form, rendered and sanitised as on the site."""
        if not (
            self.has_change_permission(request) or self.has_add_permission(request)
        ):
            raise PermissionDenied
        html, _text = answer_render(request.POST.get("answer", "")[:100_000])
        return HttpResponse(html, content_type="text/html; charset=utf-8")


@admin.register(DeflectionEvent)
class DeflectionEventAdmin(DateHierarchyGuardMixin, admin.ModelAdmin):
    """Articles offered beside the feedback form and what became of them."""

    list_display = ("created_at", "kind", "article", "topic")
    list_filter = ("kind", "topic")
    list_select_related = ("article", "topic")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
