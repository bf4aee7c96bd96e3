from django.urls import URLPattern, URLResolver, path

from concord.core.dataio import views

app_name = "dataio"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("<str:key>/", views.upload, name="upload"),
    path("<str:key>/template.csv", views.template_csv, name="template"),
]
