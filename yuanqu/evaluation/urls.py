from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.run_list_view, name="runs"),
    path("new/", views.run_create, name="run_create"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/chart/", views.run_chart, name="run_chart"),
    path("<int:pk>/compute/", views.run_compute, name="run_compute"),
    path("<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("<int:pk>/finalize/", views.run_finalize, name="run_finalize"),
    path("methods/", views.method_list, name="methods"),
    path("methods/new/", views.method_create, name="method_create"),
    path("methods/<int:pk>/", views.method_detail, name="method"),
    path("methods/<int:pk>/edit/", views.method_edit, name="method_edit"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("results/<int:pk>/appeal/", views.appeal_create, name="appeal_create"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("mine/", views.my_results, name="mine"),
    path("inputs/", views.input_list, name="inputs"),
    path("inputs/enterprise/<int:pk>/", views.input_edit, name="input_edit"),
    path("inputs/<int:pk>/review/", views.input_review, name="input_review"),
    path("inputs/<int:pk>/confirm/", views.input_confirm, name="input_confirm"),
]
