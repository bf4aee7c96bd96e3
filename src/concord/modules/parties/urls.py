from django.urls import URLPattern, URLResolver

app_name = "parties"
urlpatterns: list[URLPattern | URLResolver] = []
