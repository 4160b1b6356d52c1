from django.urls import path

from . import views

D = "o/<slug:org>/experts/"
P = "o/<slug:org>/p/<str:code>/relationship/experts/"

urlpatterns = [
    path(D, views.directory, name="expert-directory"),
    path(D + "new/", views.expert_new, name="expert-new"),
    path(D + "<int:expert_id>/edit/", views.expert_edit, name="expert-edit"),
    path(D + "<int:expert_id>/delete/", views.expert_delete, name="expert-delete"),
    path(D + "areas/", views.expertise_list, name="expertise-list"),
    path(D + "areas/<int:expertise_id>/edit/", views.expertise_edit, name="expertise-edit"),
    path(D + "areas/<int:expertise_id>/delete/", views.expertise_delete, name="expertise-delete"),
    path(P, views.project_experts, name="project-experts"),
    path(
        P + "activities/<int:activity_id>/areas/",
        views.activity_areas,
        name="project-activity-areas",
    ),
    path(P + "consult/", views.consult, name="project-expert-consult"),
]
