from django.urls import path

from . import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list, name="chains"),
    path("new/", views.chain_create, name="chain_create"),
    path("from-template/", views.chain_template, name="chain_template"),
    path("<int:pk>/", views.chain_detail, name="chain_detail"),
    path("<int:pk>/tree/", views.chain_tree, name="chain_tree"),
    path("<int:pk>/four/", views.chain_four, name="chain_four"),
    path("<int:pk>/edit/", views.chain_edit, name="chain_edit"),
    path("<int:pk>/suggest/", views.chain_suggest, name="chain_suggest"),
    path("<int:pk>/members/", views.member_create, name="member_create"),
    path("members/<int:pk>/delete/", views.member_delete, name="member_delete"),
    path("<int:pk>/nodes/new/", views.node_create, name="node_create"),
    path("nodes/<int:pk>/", views.node_detail, name="node_detail"),
    path("nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("nodes/<int:pk>/links/", views.link_create, name="link_create"),
    path("links/<int:pk>/decide/", views.link_decide, name="link_decide"),
    path("nodes/<int:pk>/targets/", views.target_create, name="target_create"),
    path("targets/<int:pk>/lead/", views.target_lead, name="target_lead"),
    path("targets/<int:pk>/drop/", views.target_drop, name="target_drop"),
    path("nodes/<int:pk>/tasks/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/status/", views.task_update, name="task_update"),
]

# The four chains' records: a list, a new one and (platforms, providers) an edit page per kind.
for _key in views.RECORDS:
    _listing, _create, _edit = views._record_views(_key)
    urlpatterns += [path(f"{_key}/", _listing, name=_key), path(f"{_key}/new/", _create, name=f"{_key}_create")]
    if views.RECORDS[_key].update is not None:
        urlpatterns.append(path(f"{_key}/<int:pk>/edit/", _edit, name=f"{_key}_edit"))
