from django.urls import path

from . import views

app_name = "briefings"
urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("new/", views.briefing_create, name="create"),
    path("<int:pk>/", views.briefing_detail, name="detail"),
    path("<int:pk>/edit/", views.briefing_edit, name="edit"),
    path("<int:pk>/issue/", views.briefing_issue, name="issue"),
    path("<int:pk>/download/<slug:fmt>/", views.briefing_download, name="download"),
    path("<int:pk>/regenerate/", views.briefing_regenerate, name="regenerate"),
]
