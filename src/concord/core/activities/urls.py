from django.urls import URLPattern, URLResolver, path

from concord.core.activities import views

app_name = "activities"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.mine, name="mine"),
    path("bell/", views.bell, name="bell"),
    path("on/<str:target>/<int:pk>/", views.chatter_card, name="chatter"),
    path("on/<str:target>/<int:pk>/schedule/", views.activity_schedule, name="schedule"),
    path("on/<str:target>/<int:pk>/notes/", views.note_add, name="note-add"),
    path("<int:pk>/done/", views.activity_done, name="done"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note-delete"),
]
