from django.urls import path

from . import views

R = "o/<slug:org>/register/"
C = "o/<slug:org>/p/<str:code>/customers/"

urlpatterns = [
    # The organisation's register of parties.
    path(R, views.register_list, name="register-list"),
    path(R + "new/", views.party_new, name="party-new"),
    path(R + "search/", views.party_search, name="party-search"),
    path(R + "<int:party_id>/", views.party_detail, name="party-detail"),
    path(R + "<int:party_id>/edit/", views.party_edit, name="party-edit"),
    path(R + "<int:party_id>/delete/", views.party_delete, name="party-delete"),
    path(R + "categories/", views.category_list, name="category-list"),
    path(R + "categories/add/", views.category_add, name="category-add"),
    path(R + "categories/<int:category_id>/edit/", views.category_edit, name="category-edit"),
    path(R + "categories/<int:category_id>/delete/", views.category_delete, name="category-delete"),
    path(R + "export/", views.register_export, name="register-export"),
    path(R + "import/", views.register_import, name="register-import"),
    path(
        R + "import/<int:register_import_id>/",
        views.register_import_preview,
        name="register-import-preview",
    ),
    # Column mappings saved on import previews, for every project of the organisation.
    path("o/<slug:org>/saved-mappings/", views.saved_mapping_list, name="saved-mapping-list"),
    path(
        "o/<slug:org>/saved-mappings/<int:saved_mapping_id>/delete/",
        views.saved_mapping_delete,
        name="saved-mapping-delete",
    ),
    # A project's customers.
    path(C, views.stakeholder_list, name="stakeholder-list"),
    path(C + "add/", views.stakeholder_add, name="stakeholder-add"),
    path(C + "candidates/", views.stakeholder_candidates, name="stakeholder-candidates"),
    path(C + "<int:stakeholder_id>/", views.stakeholder_detail, name="stakeholder-detail"),
    path(C + "<int:stakeholder_id>/edit/", views.stakeholder_edit, name="stakeholder-edit"),
    path(C + "<int:stakeholder_id>/remove/", views.stakeholder_remove, name="stakeholder-remove"),
    path(
        C + "<int:stakeholder_id>/preferences/",
        views.stakeholder_preferences,
        name="stakeholder-preferences",
    ),
    path(C + "<int:stakeholder_id>/criteria/add/", views.criterion_add, name="criterion-add"),
    path(C + "criteria/<int:criterion_id>/edit/", views.criterion_edit, name="criterion-edit"),
    path(
        C + "criteria/<int:criterion_id>/delete/", views.criterion_delete, name="criterion-delete"
    ),
    path(
        C + "categories/<int:category_id>/consider/",
        views.category_consider,
        name="category-consider",
    ),
    path(
        C + "categories/not-applicable/",
        views.category_consider_bulk,
        name="category-consider-bulk",
    ),
    path(C + "value/", views.value_overview, name="value-overview"),
    path(C + "pictures/", views.pictures, name="stakeholder-pictures"),
    path(C + "pictures/power-interest.svg", views.power_interest_svg, name="power-interest-svg"),
    path(C + "pictures/engagement.svg", views.engagement_svg, name="engagement-svg"),
    path(C + "outcomes/", views.outcome_list, name="outcome-list"),
    path(C + "outcomes/new/", views.outcome_new, name="outcome-new"),
    path(C + "outcomes/<int:outcome_id>/", views.outcome_detail, name="outcome-detail"),
    path(C + "outcomes/<int:outcome_id>/edit/", views.outcome_edit, name="outcome-edit"),
    path(C + "outcomes/<int:outcome_id>/delete/", views.outcome_delete, name="outcome-delete"),
    path(C + "outcomes/<int:outcome_id>/position/", views.position_set, name="position-set"),
    path(
        C + "outcomes/<int:outcome_id>/measurements/", views.measurement_add, name="measurement-add"
    ),
    path(C + "outcomes/<int:outcome_id>/conflicts/", views.conflict_add, name="conflict-add"),
    path(
        C + "conflicts/<int:conflict_id>/resolve/", views.conflict_resolve, name="conflict-resolve"
    ),
    path(C + "export/", views.stakeholder_export, name="stakeholder-export"),
    path(C + "import/", views.stakeholder_import, name="stakeholder-import"),
    path(
        C + "import/<int:import_id>/",
        views.stakeholder_import_preview,
        name="stakeholder-import-preview",
    ),
]
