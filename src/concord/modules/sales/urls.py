from django.urls import URLPattern, URLResolver

from concord.modules.sales.views import urlpatterns as screens

app_name = "sales"
urlpatterns: list[URLPattern | URLResolver] = [*screens]
