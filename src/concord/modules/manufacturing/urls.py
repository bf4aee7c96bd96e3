"""Manufacturing's screens under /manufacturing/: orders first, then bills of materials."""

from django.urls import URLPattern, URLResolver

from concord.modules.manufacturing import views

app_name = "manufacturing"

urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
