from django.urls import path

from . import views

app_name = "ladder"

urlpatterns = [
    path("", views.index, name="index"),
    path("candidates/", views.candidates, name="candidates"),
    path("grant/", views.grant, name="grant"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/advance/", views.advance, name="advance"),
]
