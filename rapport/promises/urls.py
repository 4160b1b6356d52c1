from django.urls import path

from . import views

P = "o/<slug:org>/p/<str:code>/promises/"

urlpatterns = [
    path("o/<slug:org>/promises/", views.promise_figures_org, name="promise-figures-org"),
    path(P, views.promise_list, name="promise-list"),
    path(P + "new/", views.promise_new, name="promise-new"),
    path(P + "policy/", views.promise_policy, name="promise-policy"),
    path(P + "<int:commitment_id>/", views.promise_detail, name="promise-detail"),
    path(P + "<int:commitment_id>/deliver/", views.promise_deliver, name="promise-deliver"),
    path(
        P + "<int:commitment_id>/renegotiate/",
        views.promise_renegotiate,
        name="promise-renegotiate",
    ),
    path(P + "<int:commitment_id>/break/", views.promise_break, name="promise-break"),
    path(P + "expectations/", views.expectation_list, name="expectation-list"),
    path(P + "expectations/new/", views.expectation_new, name="expectation-new"),
    path(
        P + "expectations/<int:expectation_id>/edit/",
        views.expectation_edit,
        name="expectation-edit",
    ),
    path(
        P + "expectations/<int:expectation_id>/remove/",
        views.expectation_delete,
        name="expectation-delete",
    ),
]
