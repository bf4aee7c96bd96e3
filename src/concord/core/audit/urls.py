from django.urls import path

from concord.core.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("<slug:app_label>/<slug:model>/<str:pk>/", views.audit_object_history, name="object_history"),
]
