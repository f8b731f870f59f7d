from django.views.generic import TemplateView


class ArticleListView(TemplateView):
    template_name = "faq/article_list.html"
