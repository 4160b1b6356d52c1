from django.urls import path

from . import views

R = "o/<slug:org>/p/<str:code>/relationship/"

urlpatterns = [
    path(R, views.relationship_project, name="relationship-project"),
    path(
        R + "stakeholders/<int:stakeholder_id>/",
        views.relationship_stakeholder,
        name="relationship-stakeholder",
    ),
]
