from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("data/<slug:chart>/", views.chart_data, name="chart"),
    path("figures/", views.figures, name="figures"),
    path("parks/<int:pk>/", views.park_dashboard, name="park"),
    path("parks/<int:pk>/data/<slug:chart>/", views.park_chart_data, name="park_chart"),
    path("enterprises/<int:pk>/", views.enterprise_profile, name="enterprise"),
    path("enterprises/<int:pk>/data/<slug:code>/", views.enterprise_chart_data, name="enterprise_chart"),
]
