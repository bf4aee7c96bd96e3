from django.urls import path

from concord.core.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("office/", views.office_switch, name="office_switch"),
    path("company/", views.company_switch, name="company_switch"),
    path("search/", views.search, name="search"),
    path("bell/count/", views.bell_count, name="bell_count"),
]
