from django.urls import path

from concord.core.money import views

app_name = "money"
urlpatterns = [
    path("rates/", views.rates, name="rates"),
    path("rates/set/", views.rate_set, name="rate_set"),
]
