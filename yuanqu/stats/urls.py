from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.aggregates, name="aggregates"),
    path("reports/", views.report_list, name="reports"),
    path("reports/bulk/", views.report_bulk, name="report_bulk"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/fill/", views.report_fill, name="report_fill"),
    path("reports/<int:pk>/check/", views.report_check, name="report_check"),
    path("reports/<int:pk>/park-review/", views.report_park_review, name="report_park_review"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/remind/", views.report_remind, name="report_remind"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/lock/", views.round_lock, name="round_lock"),
    path("rounds/<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("targets/", views.target_list, name="targets"),
    path("targets/set/", views.target_set, name="target_set"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/read/", views.notice_read, name="notice_read"),
]
