from django.urls import path

from . import views

S = "o/<slug:org>/p/<str:code>/relationship/satisfaction/"

urlpatterns = [
    path(S, views.satisfaction_project, name="satisfaction-project"),
    path(S + "new/", views.pulse_new, name="pulse-new"),
    path(S + "<int:pulse_id>/delete/", views.pulse_delete, name="pulse-delete"),
    # Public, behind the stakeholder's portal secret (like the portal's own pages).
    path("portal/<str:portal_token>/pulse/", views.portal_pulse, name="portal-pulse"),
]
