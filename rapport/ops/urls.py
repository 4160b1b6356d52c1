from django.urls import path

from . import views

urlpatterns = [
    path("o/<slug:org>/outbox/", views.outbox_list, name="outbox-list"),
    path("o/<slug:org>/outbox/<int:message_id>/", views.outbox_message, name="outbox-message"),
    path(
        "o/<slug:org>/outbox/<int:message_id>/html/",
        views.outbox_message_html,
        name="outbox-message-html",
    ),
    path(
        "o/<slug:org>/outbox/<int:message_id>/attachments/<int:index>/",
        views.outbox_attachment,
        name="outbox-attachment",
    ),
]
