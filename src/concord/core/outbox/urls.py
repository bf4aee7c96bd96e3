from django.urls import path

from concord.core.outbox import views

app_name = "outbox"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>/replay/", views.event_replay, name="replay"),
]
