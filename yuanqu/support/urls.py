from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("queue/", views.queue, name="queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("new/", views.request_create, name="request_create"),
    path("enterprises/<int:pk>/new/", views.request_create_for, name="request_create_for"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("requests/<int:pk>/transfer/", views.request_transfer, name="request_transfer"),
    path("requests/<int:pk>/start/", views.request_start, name="request_start"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("requests/<int:pk>/visit/", views.request_visit, name="request_visit"),
    path("requests/<int:pk>/comment/", views.request_comment, name="request_comment"),
    path("requests/<int:pk>/rate/", views.request_rate, name="request_rate"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.service_create, name="service_create"),
    path("catalogue/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/done/", views.rectification_done, name="rectification_done"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
]
