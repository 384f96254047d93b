from django.urls import path

from . import views

app_name = "tabular"
urlpatterns = [
    path("", views.imports, name="imports"),
    path("template/", views.template, name="template"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/mapping/", views.batch_mapping, name="mapping"),
    path("<int:pk>/commit/", views.batch_commit, name="commit"),
    path("<int:pk>/errors/", views.batch_errors, name="errors"),
    path("<int:pk>/revert/", views.batch_revert, name="revert"),
]
