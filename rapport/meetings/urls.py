from django.urls import path

from . import views

M = "o/<slug:org>/p/<str:code>/relationship/meetings/"
D = "o/<slug:org>/p/<str:code>/relationship/decisions/"
A = "o/<slug:org>/p/<str:code>/relationship/actions/"

urlpatterns = [
    path(M, views.meeting_list, name="meeting-list"),
    path(M + "new/", views.meeting_new, name="meeting-new"),
    path(M + "<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path(M + "<int:meeting_id>/edit/", views.meeting_edit, name="meeting-edit"),
    path(M + "<int:meeting_id>/delete/", views.meeting_delete, name="meeting-delete"),
    path(M + "<int:meeting_id>/invitees/", views.meeting_invitees, name="meeting-invitees"),
    path(M + "<int:meeting_id>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path(M + "<int:meeting_id>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(M + "<int:meeting_id>/invite/", views.meeting_invite, name="meeting-invite"),
    path(D, views.decision_list, name="decision-list"),
    path(D + "new/", views.decision_new, name="decision-new"),
    path(D + "<int:decision_id>/edit/", views.decision_edit, name="decision-edit"),
    path(D + "<int:decision_id>/delete/", views.decision_delete, name="decision-delete"),
    path(A, views.action_list, name="action-list"),
    path(A + "new/", views.action_new, name="action-new"),
    path(A + "<int:meeting_action_id>/edit/", views.action_edit, name="action-edit"),
    path(A + "<int:meeting_action_id>/close/", views.action_close, name="action-close"),
    path(A + "<int:meeting_action_id>/delete/", views.action_delete, name="action-delete"),
]
