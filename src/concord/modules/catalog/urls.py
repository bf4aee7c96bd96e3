from django.urls import URLPattern, URLResolver, path

from concord.modules.catalog import views

app_name = "catalog"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ProductList.as_view(), name="list"),
    path("new/", views.product_create, name="create"),
    path("validate/", views.product_validate, name="validate"),
    path("categories/", views.categories, name="categories"),
    path("units/", views.units, name="units"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/image/", views.product_image, name="image"),
    path("<int:pk>/archive/", views.product_archive, name="archive"),
    path("<int:pk>/delete/", views.product_delete, name="delete"),
]
