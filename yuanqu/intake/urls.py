from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.document_list, name="documents"),
    path("new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("proposals/<int:pk>/review/", views.proposal_review, name="proposal_review"),
    path("facts/<int:pk>/lead/", views.fact_lead, name="fact_lead"),
    path("facts/<int:pk>/park/", views.fact_park, name="fact_park"),
    path("discrepancies/", views.discrepancies, name="discrepancies"),
]
