from django.urls import URLPattern, URLResolver

from concord.modules.inventory.views import urlpatterns as screens

app_name = "inventory"

urlpatterns: list[URLPattern | URLResolver] = [*screens]
