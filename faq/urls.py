from django.urls import path

from . import views

app_name = "faq"

urlpatterns = [
    path("", views.FaqHomeView.as_view(), name="list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/opened/", views.suggestion_opened, name="opened"),
    path("suggest/solved/", views.suggestion_solved, name="solved"),
    path("c/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("a/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path("a/<slug:slug>/vote/", views.article_vote, name="vote"),
]
