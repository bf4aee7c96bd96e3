from django.urls import URLPattern, URLResolver

app_name = "helpdesk"
urlpatterns: list[URLPattern | URLResolver] = []
