"""Park forms. The list and detail pages (they show tenants) are added to this namespace from
``yuanqu.enterprises.park_urls`` by the project's urls.py."""

from django.urls import path

from . import views

app_name = "parks"
urlpatterns = [
    path("new/", views.park_create, name="create"),
    path("pick/", views.pick_park, name="pick"),
    path("<int:pk>/edit/", views.park_edit, name="edit"),
    path("<int:pk>/archive/", views.park_archive, name="archive"),
    path("<int:pk>/restore/", views.park_restore, name="restore"),
    path("<int:pk>/delete/", views.park_delete, name="delete"),
    path("<int:pk>/buildings/new/", views.building_create, name="building_create"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("buildings/<int:pk>/units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
]
