from django.urls import path

from . import views

P = "o/<slug:org>/p/<str:code>/"

urlpatterns = [
    path("projects/", views.project_index, name="project-list"),
    path("projects/new/", views.project_new, name="project-new"),
    path(P, views.project_home, name="project-home"),
    path(P + "edit/", views.project_edit, name="project-edit"),
    path(P + "delete/", views.project_delete, name="project-delete"),
    path(P + "members/", views.project_members, name="project-members"),
    path(P + "members/add/", views.project_member_add, name="project-member-add"),
    path(P + "members/<int:user_id>/role/", views.project_member_role, name="project-member-role"),
    path(
        P + "members/<int:user_id>/remove/",
        views.project_member_remove,
        name="project-member-remove",
    ),
    path(P + "history/", views.project_history, name="project-history"),
]
