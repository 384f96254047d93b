from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("pick/", views.pick_enterprise, name="pick"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/archive/", views.enterprise_archive, name="archive"),
    path("<int:pk>/restore/", views.enterprise_restore, name="restore"),
    path("<int:pk>/delete/", views.enterprise_delete, name="delete"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("settlements/", views.settlement_list, name="settlements"),
    path("settlements/new/", views.settlement_create, name="settlement_create"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement_detail"),
    path("settlements/<int:pk>/advance/", views.settlement_advance, name="settlement_advance"),
    path("settlements/<int:pk>/units/", views.settlement_units, name="settlement_units"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", views.request_reject, name="request_reject"),
]
