from django.urls import path

from . import views

P = "o/<slug:org>/p/<str:code>/"
SIPOC = P + "sipoc/<int:process_id>/"

urlpatterns = [
    path(P + "raci/", views.matrix_page, name="raci-matrix"),
    path(P + "raci/cell/", views.cell, name="raci-cell"),
    path(P + "raci/findings/", views.findings_page, name="raci-findings"),
    path(P + "raci/export/", views.export, name="raci-export"),
    path(P + "raci/import/", views.import_upload, name="raci-import"),
    path(P + "raci/import/<int:raci_import_id>/", views.import_preview, name="raci-import-preview"),
    path(P + "raci/settings/", views.settings_page, name="raci-settings"),
    path(P + "raci/parties/add/", views.party_add, name="raci-party-add"),
    path(P + "activities/", views.activities, name="raci-activities"),
    path(P + "activities/new/", views.activity_new, name="raci-activity-new"),
    path(P + "raci/activities/add/", views.activity_quick_add, name="raci-activity-quick-add"),
    path(P + "raci/timeline/", views.timeline_page, name="raci-timeline"),
    path(
        P + "activities/<int:activity_id>/schedule/",
        views.activity_schedule,
        name="raci-activity-schedule",
    ),
    path(P + "activities/<int:activity_id>/edit/", views.activity_edit, name="raci-activity-edit"),
    path(
        P + "activities/<int:activity_id>/delete/",
        views.activity_delete,
        name="raci-activity-delete",
    ),
    path(P + "activities/<int:activity_id>/move/", views.activity_move, name="raci-activity-move"),
    path(
        P + "activities/<int:activity_id>/consulted/",
        views.activity_consulted,
        name="raci-activity-consulted",
    ),
    path(
        P + "activities/<int:activity_id>/consulted/input/",
        views.consulted_input,
        name="raci-consulted-input",
    ),
    path(
        P + "activities/<int:activity_id>/letters/",
        views.activity_letters,
        name="raci-activity-letters",
    ),
    path(P + "phases/new/", views.phase_new, name="raci-phase-new"),
    path(P + "phases/<int:phase_id>/edit/", views.phase_edit, name="raci-phase-edit"),
    path(P + "phases/<int:phase_id>/delete/", views.phase_delete, name="raci-phase-delete"),
    path(P + "phases/<int:phase_id>/move/", views.phase_move, name="raci-phase-move"),
    path(P + "sipoc/", views.sipoc_list, name="sipoc-list"),
    path(P + "sipoc/new/", views.sipoc_new, name="sipoc-new"),
    path(SIPOC, views.sipoc_detail, name="sipoc-detail"),
    path(SIPOC + "edit/", views.sipoc_edit, name="sipoc-edit"),
    path(SIPOC + "delete/", views.sipoc_delete, name="sipoc-delete"),
    path(SIPOC + "links/", views.sipoc_links, name="sipoc-links"),
    path(SIPOC + "export/", views.sipoc_export, name="sipoc-export"),
    path(SIPOC + "print/", views.sipoc_print, name="sipoc-print"),
    path(SIPOC + "<slug:column>/add/", views.sipoc_item_add, name="sipoc-item-add"),
    path(
        SIPOC + "<slug:column>/<int:item_id>/remove/",
        views.sipoc_item_remove,
        name="sipoc-item-remove",
    ),
    path(
        SIPOC + "<slug:column>/<int:item_id>/move/",
        views.sipoc_item_move,
        name="sipoc-item-move",
    ),
]
