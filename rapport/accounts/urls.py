from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.sign_in, name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/password/", views.password_change, name="password-change"),
    path("accounts/password/reset/", views.password_reset, name="password-reset"),
    path("accounts/password/reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",  # the name Django's reset e-mail expects
    ),
    path(
        "accounts/password/reset/done/",
        views.password_reset_complete,
        name="password-reset-complete",
    ),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("orgs/new/", views.org_new, name="org-new"),
    path("o/<slug:org>/", views.org_home, name="org-home"),
    path("o/<slug:org>/invite/", views.org_invite, name="org-invite"),
    path(
        "o/<slug:org>/invitations/<int:invitation_id>/revoke/",
        views.org_invitation_revoke,
        name="org-invitation-revoke",
    ),
    path("o/<slug:org>/members/<int:user_id>/role/", views.org_member_role, name="org-member-role"),
    path(
        "o/<slug:org>/members/<int:user_id>/remove/",
        views.org_member_remove,
        name="org-member-remove",
    ),
    path("o/<slug:org>/history/", views.org_history, name="org-history"),
]
