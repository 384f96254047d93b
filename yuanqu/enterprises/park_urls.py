"""The tenant-showing park pages, mounted by the project's urls.py in the ``parks`` namespace."""

from django.urls import path

from . import park_views

urlpatterns = [
    path("", park_views.park_list, name="list"),
    path("<int:pk>/", park_views.park_detail, name="detail"),
    path("<int:pk>/units/pick/", park_views.pick_units, name="pick_units"),
]
