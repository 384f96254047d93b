from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("leads/", views.lead_list, name="leads"),
    path("leads/pool/", views.lead_pool, name="pool"),
    path("leads/due/", views.lead_due, name="due"),
    path("leads/stale/", views.lead_stale, name="stale"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/archive/", views.lead_archive, name="lead_archive"),
    path("leads/<int:pk>/restore/", views.lead_restore, name="lead_restore"),
    path("leads/<int:pk>/delete/", views.lead_delete, name="lead_delete"),
    path("leads/<int:pk>/claim/", views.lead_claim, name="lead_claim"),
    path("leads/<int:pk>/release/", views.lead_release, name="lead_release"),
    path("leads/<int:pk>/status/", views.lead_status, name="lead_status"),
    path("leads/<int:pk>/merge/", views.lead_merge, name="lead_merge"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("leads/<int:pk>/convert-project/", views.lead_convert_project, name="lead_convert_project"),
    path("leads/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("lead-contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("lead-contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("leads/<int:pk>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
]
urlpatterns += [
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("projects/<int:pk>/archive/", views.project_archive, name="project_archive"),
    path("projects/<int:pk>/restore/", views.project_restore, name="project_restore"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:pk>/plan/", views.project_plan, name="project_plan"),
    path("projects/<int:pk>/month/", views.project_month, name="project_month"),
    path("projects/<int:pk>/follow-ups/new/", views.project_follow_up, name="project_follow_up"),
    path("stage-changes/<int:pk>/approve/", views.change_approve, name="change_approve"),
    path("stage-changes/<int:pk>/return/", views.change_return, name="change_return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
urlpatterns += [
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/advance/", views.case_advance, name="case_advance"),
    path("cases/<int:pk>/meetings/", views.case_meeting, name="case_meeting"),
    path("cases/<int:pk>/measures/", views.case_measure, name="case_measure"),
    path("measures/<int:pk>/done/", views.case_measure_done, name="case_measure_done"),
    path("settings/", views.region_settings, name="settings"),
]
