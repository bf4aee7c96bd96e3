"""CRM's screens under /crm/ (the public web form too: /crm/forms/<token>/)."""

from django.urls import URLPattern, URLResolver

from concord.modules.crm import views

app_name = "crm"
urlpatterns: list[URLPattern | URLResolver] = [*views.urlpatterns]
