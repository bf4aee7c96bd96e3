from django.urls import path

from concord.core.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
]
