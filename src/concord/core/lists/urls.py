from django.urls import path

from concord.core.lists import views

app_name = "lists"
urlpatterns = [
    path("saved/", views.saved_filter_save_view, name="saved_filter_save"),
    path("saved/<int:pk>/delete/", views.saved_filter_delete_view, name="saved_filter_delete"),
]
