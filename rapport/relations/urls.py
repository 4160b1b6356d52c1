from django.urls import path

from . import views

C = "o/<slug:org>/p/<str:code>/customers/interactions/"

urlpatterns = [
    path(C, views.interaction_list, name="interaction-list"),
    path(C + "new/", views.interaction_new, name="interaction-new"),
    path(C + "<int:interaction_id>/edit/", views.interaction_edit, name="interaction-edit"),
    path(C + "<int:interaction_id>/delete/", views.interaction_delete, name="interaction-delete"),
]
