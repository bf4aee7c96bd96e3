from django.urls import URLPattern, URLResolver, path

from concord.modules.parties import views

app_name = "parties"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.PartyList.as_view(), name="list"),
    path("customers/", views.CustomerList.as_view(), name="customers"),
    path("suppliers/", views.SupplierList.as_view(), name="suppliers"),
    path("new/", views.party_create, name="create"),
    path("validate/", views.party_validate, name="validate"),
    path("<int:party_id>/", views.party_detail, name="detail"),
    path("<int:party_id>/edit/", views.party_edit, name="edit"),
    path("<int:party_id>/archive/", views.party_archive, name="archive"),
    path("<int:party_id>/unarchive/", views.party_unarchive, name="unarchive"),
    path("<int:party_id>/delete/", views.party_delete, name="delete"),
    path("<int:party_id>/merge/", views.party_merge, name="merge"),
    path("<int:party_id>/addresses/", views.address_add, name="address_add"),
    path("<int:party_id>/addresses/<int:address_id>/delete/", views.address_remove, name="address_remove"),
    path("<int:party_id>/contacts/", views.contact_add, name="contact_add"),
    path("<int:party_id>/contacts/<int:contact_id>/delete/", views.contact_remove, name="contact_remove"),
]
