from django.urls import path

from . import views

P = "o/<slug:org>/p/<str:code>/"

urlpatterns = [
    path(P + "status/", views.status_home, name="status-home"),
    path(P + "status/new/", views.status_new, name="status-new"),
    path(P + "status/settings/", views.health_settings, name="health-settings"),
    path(P + "status/<int:status_update_id>/", views.status_detail, name="status-detail"),
    path(P + "status/<int:status_update_id>/edit/", views.status_edit, name="status-edit"),
    path(P + "status/<int:status_update_id>/publish/", views.status_publish, name="status-publish"),
    path(P + "status/<int:status_update_id>/correct/", views.status_correct, name="status-correct"),
    path(P + "status/<int:status_update_id>/delete/", views.status_delete, name="status-delete"),
    path(P + "risks/", views.risk_list, name="risk-list"),
    path(P + "risks/add/", views.risk_add, name="risk-add"),
    path(P + "risks/<int:risk_id>/edit/", views.risk_edit, name="risk-edit"),
    path(P + "risks/<int:risk_id>/close/", views.risk_close, name="risk-close"),
    path("o/<slug:org>/board/", views.org_board, name="org-board"),
]
