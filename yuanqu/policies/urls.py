from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="policies"),
    path("new/", views.policy_create, name="policy_create"),
    path("<int:pk>/", views.policy_detail, name="policy_detail"),
    path("<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("<int:pk>/budget/", views.budget_set, name="budget_set"),
    path("<int:pk>/clauses/new/", views.clause_create, name="clause_create"),
    path("clauses/<int:pk>/", views.clause_detail, name="clause_detail"),
    path("clauses/<int:pk>/edit/", views.clause_edit, name="clause_edit"),
    path("clauses/<int:pk>/tests/", views.rule_test_create, name="rule_test_create"),
    path("clauses/<int:pk>/publish/", views.clause_publish, name="clause_publish"),
    path("clauses/<int:pk>/apply/", views.clause_apply, name="clause_apply"),
    path("matches/", views.match_list, name="matches"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/act/", views.application_act, name="application_act"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/act/", views.agreement_act, name="agreement_act"),
    path("figures/", views.policy_figures, name="figures"),
]
