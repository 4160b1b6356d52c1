from django.urls import path

from . import views

S = "o/<slug:org>/p/<str:code>/relationship/slas/"

urlpatterns = [
    path(S, views.sla_list, name="sla-list"),
    path(S + "new/", views.agreement_new, name="sla-agreement-new"),
    path(S + "<int:agreement_id>/edit/", views.agreement_edit, name="sla-agreement-edit"),
    path(
        S + "<int:agreement_id>/obligations/new/",
        views.obligation_new,
        name="sla-obligation-new",
    ),
    path(
        S + "obligations/<int:obligation_id>/edit/",
        views.obligation_edit,
        name="sla-obligation-edit",
    ),
    path(
        S + "obligations/<int:obligation_id>/delete/",
        views.obligation_delete,
        name="sla-obligation-delete",
    ),
    path(S + "breaches/new/", views.breach_new, name="sla-breach-new"),
    path(S + "breaches/<int:breach_id>/delete/", views.breach_delete, name="sla-breach-delete"),
]
