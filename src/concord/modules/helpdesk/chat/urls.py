"""The web chat's URLs, included in the helpdesk's namespace under ``chat/``."""

from django.urls import URLPattern, path

from concord.modules.helpdesk.chat import views

urlpatterns: list[URLPattern] = [
    path("", views.chat_inbox, name="chat-inbox"),
    path("widget.js", views.chat_widget_js, name="chat-widget-js"),
    path("c/<int:pk>/", views.chat_conversation, name="chat-conversation"),
    path("c/<int:pk>/take/", views.chat_take, name="chat-take"),
    path("c/<int:pk>/reply/", views.chat_reply, name="chat-reply"),
    path("c/<int:pk>/close/", views.chat_close, name="chat-close"),
    path("<str:token>/start", views.chat_start, name="chat-start"),
    path("<str:token>/conversations/<int:pk>/messages", views.chat_messages, name="chat-messages"),
    path("<str:token>/demo/", views.chat_demo, name="chat-demo"),
]
