from django.urls import path

from . import views

P = "o/<slug:org>/p/<str:code>/estimates/"

urlpatterns = [
    path(P, views.estimate_home, name="estimate-home"),
    path(P + "sheet/", views.estimate_sheet, name="estimate-sheet"),
    path(P + "activities/add/", views.estimate_activity_add, name="estimate-activity-add"),
    path(P + "activities/<int:activity_id>/", views.estimate_activity, name="estimate-activity"),
    path(
        P + "activities/<int:activity_id>/remove/",
        views.estimate_activity_delete,
        name="estimate-activity-delete",
    ),
    path(P + "target/", views.estimate_constraint, name="estimate-constraint"),
    path(P + "run/", views.estimate_run, name="estimate-run"),
    path(P + "run/repeat/", views.estimate_run_repeat, name="estimate-run-repeat"),
    path(P + "versions/", views.estimate_versions, name="estimate-versions"),
    path(P + "versions/compare/", views.estimate_compare, name="estimate-compare"),
    path(
        P + "versions/<int:version_number>/restore/",
        views.estimate_restore,
        name="estimate-restore",
    ),
    path(P + "explanation.pdf", views.estimate_pdf, name="estimate-pdf"),
    path("o/<slug:org>/track-record/", views.track_record, name="track-record"),
]
