from django.urls import URLPattern, URLResolver, include, path

from concord.modules.helpdesk import views

app_name = "helpdesk"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("sla-check/", views.sla_check_now, name="sla-check"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("tickets/new/", views.ticket_create, name="ticket-create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket-assign"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="ticket-status"),
    path("tickets/<int:pk>/resolve/", views.ticket_resolve, name="ticket-resolve"),
    path("tickets/<int:pk>/close/", views.ticket_close, name="ticket-close"),
    path("tickets/<int:pk>/merge/", views.ticket_merge, name="ticket-merge"),
    path("tickets/<int:pk>/tags/", views.ticket_tags, name="ticket-tags"),
    path("tickets/<int:pk>/canned/", views.canned_render, name="canned-render"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("settings/teams/", views.teams, name="teams"),
    path("settings/teams/<int:pk>/", views.team_detail, name="team"),
    path("settings/teams/<int:pk>/sla/", views.team_policy_save, name="team-sla"),
    path("settings/teams/<int:pk>/holidays/", views.team_holiday_add, name="team-holiday-add"),
    path(
        "settings/teams/<int:pk>/holidays/<int:holiday_pk>/delete/",
        views.team_holiday_remove,
        name="team-holiday-remove",
    ),
    path("settings/categories/", views.categories, name="categories"),
    path("settings/categories/<int:pk>/delete/", views.category_delete, name="category-delete"),
    path("settings/canned-replies/", views.canned_replies, name="canned-replies"),
    path("settings/canned-replies/<int:pk>/delete/", views.canned_reply_delete, name="canned-reply-delete"),
    path("forms/<str:token>/", views.webform, name="webform"),
    path("rate/<str:token>/", views.rate, name="rate"),
    path("chat/", include("concord.modules.helpdesk.chat.urls")),  # web chat: widget, endpoints, inbox
    path("", include("concord.modules.helpdesk.mail.urls")),  # the email channel's inbound endpoint
]
