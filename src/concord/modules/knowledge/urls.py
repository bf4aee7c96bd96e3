"""The knowledge base's screens under /knowledge/ and the public help centre under /knowledge/help/."""

from django.urls import URLPattern, URLResolver, path

from concord.modules.knowledge import public, views

app_name = "knowledge"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ArticleList.as_view(), name="articles"),
    path("articles/new/", views.article_create, name="article-create"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("articles/<int:pk>/history/", views.article_history, name="article-history"),
    path("articles/<int:pk>/versions/<int:number>/", views.article_version, name="article-version"),
    path("articles/<int:pk>/versions/<int:number>/restore/", views.article_restore, name="article-restore"),
    path("articles/<int:pk>/<slug:action>/", views.article_action, name="article-action"),
    path("suggest/", views.suggest, name="suggest"),
    path("categories/", views.category_list, name="categories"),
    path("categories/new/", views.category_create, name="category-create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category-delete"),
    # the public help centre (no sign-in)
    path("help/<slug:code>/", public.help_home, name="help-home"),
    path("help/<slug:code>/search/", public.help_search, name="help-search"),
    path("help/<slug:code>/categories/<int:pk>/", public.help_category, name="help-category"),
    path("help/<slug:code>/articles/<int:pk>/", public.help_article, name="help-article-short"),
    path("help/<slug:code>/articles/<int:pk>/<slug:slug>/", public.help_article, name="help-article"),
    path("help/<slug:code>/votes/<int:pk>/", public.help_vote, name="help-vote"),
]
