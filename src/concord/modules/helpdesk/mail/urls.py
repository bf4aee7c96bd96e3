"""The mail channel's URLs, included by the helpdesk's ``urls.py`` (so under ``/helpdesk/``)."""

from django.urls import URLPattern, URLResolver, path

from concord.modules.helpdesk.mail import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("mail/inbound/", views.mail_inbound, name="mail-inbound"),
]
