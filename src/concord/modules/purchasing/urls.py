"""Purchasing's screens under /purchasing/."""

from django.urls import URLPattern, URLResolver

from concord.modules.purchasing import views

app_name = "purchasing"
urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
