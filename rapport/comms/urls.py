from django.urls import path

from . import views

P = "o/<slug:org>/p/<str:code>/comms/"

urlpatterns = [
    path(P, views.comms_plan, name="comms-plan"),
    path(P + "new/", views.plan_row_new, name="plan-row-new"),
    path(P + "informed/", views.informed_add, name="comms-informed-add"),
    path(P + "<int:plan_row_id>/edit/", views.plan_row_edit, name="plan-row-edit"),
    path(P + "<int:plan_row_id>/delete/", views.plan_row_delete, name="plan-row-delete"),
    path(P + "<int:plan_row_id>/send/", views.plan_row_send_now, name="plan-row-send-now"),
    path(
        P + "<int:plan_row_id>/preview/<int:recipient_id>/",
        views.report_preview,
        name="report-preview",
    ),
    path(
        P + "<int:plan_row_id>/preview/<int:recipient_id>/pdf/",
        views.report_preview_pdf,
        name="report-preview-pdf",
    ),
    path(P + "comments/", views.comment_list, name="comment-list"),
    path(P + "comments/<int:feedback_id>/reply/", views.comment_reply, name="comment-reply"),
    path(
        P + "comments/<int:feedback_id>/acted-on/",
        views.comment_acted_on,
        name="comment-acted-on",
    ),
    path(P + "comments/<int:feedback_id>/close/", views.comment_close, name="comment-close"),
    path(P + "deliveries/", views.delivery_list, name="delivery-list"),
    path(P + "deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="delivery-retry"),
    path(
        P + "portal-links/<int:portal_link_id>/revoke/",
        views.portal_link_revoke,
        name="portal-link-revoke",
    ),
    path(P + "portal/<int:recipient_id>/", views.portal_preview, name="portal-preview"),
    path(
        P + "portal/<int:recipient_id>/reports/<int:delivery_id>/",
        views.portal_preview_report,
        name="portal-preview-report",
    ),
    path(
        P + "portal/<int:recipient_id>/resend/",
        views.portal_link_resend,
        name="portal-link-resend",
    ),
    path(P + "calendar/", views.calendar_feed_new, name="calendar-feed-new"),
    path(
        P + "calendar/<int:calendar_feed_id>/revoke/",
        views.calendar_feed_revoke,
        name="calendar-feed-revoke",
    ),
    path("o/<slug:org>/comms/load/", views.comms_load, name="comms-load"),
    path("o/<slug:org>/comms/settings/", views.comms_org_settings, name="comms-org-settings"),
    path("account/calendar/", views.my_calendar, name="my-calendar"),
    # Public, behind secrets: a calendar feed, and a stakeholder's portal.
    path("calendar/<str:feed_token>.ics", views.calendar_feed, name="calendar-feed"),
    path("portal/<str:portal_token>/", views.portal_home, name="portal-home"),
    path("portal/<str:portal_token>/unlock/", views.portal_unlock, name="portal-unlock"),
    path("portal/<str:portal_token>/password/", views.portal_password, name="portal-password"),
    path(
        "portal/<str:portal_token>/reports/<int:delivery_id>/",
        views.portal_report,
        name="portal-report",
    ),
    path(
        "portal/<str:portal_token>/reports/<int:delivery_id>/pdf/",
        views.portal_report_pdf,
        name="portal-report-pdf",
    ),
]
