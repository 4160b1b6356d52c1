from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from rapport.lib.audit import describe_entry, history_for_org
from rapport.lib.forms import add_service_errors
from rapport.lib.mail import outbox_enabled
from rapport.lib.pagination import paginate
from rapport.projects.selectors import project_list

from . import services
from .access import org_view, public_view, user_view
from .forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    OrganisationForm,
    OrgRoleForm,
    SignInForm,
)
from .models import ApiToken, Invitation, OrgRole

User = get_user_model()

# --- sign in, out, passwords (Django's views, our templates) ------------------------------------

sign_in = public_view(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=SignInForm,
        redirect_authenticated_user=True,
    )
)
sign_out = public_view(auth_views.LogoutView.as_view())
password_change = user_view(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html", success_url=reverse_lazy("account")
    )
)
password_reset = public_view(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("password-reset-sent"),
    )
)
password_reset_sent = public_view(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public_view(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("password-reset-complete"),
    )
)
password_reset_complete = public_view(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@public_view
def home(request):
    return redirect("project-list" if request.user.is_authenticated else "login")


# --- the signed-in user's account and API tokens -------------------------------------------------


@user_view
def account(request):
    new_token = request.session.pop("new_api_token", None)
    form = ApiTokenForm()
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                _, raw = services.api_token_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                # Shown once, on the next page only: we keep no copy we could show again.
                request.session["new_api_token"] = raw
                return redirect("account")
    tokens = request.user.api_tokens.all()
    return render(
        request,
        "accounts/account.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
    )


@user_view
@require_POST
def api_token_revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at=None)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked; scripts using it now get 401.")
    return redirect("account")


# --- organisations ------------------------------------------------------------------------------


@user_view
def org_new(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{org.name} created. Invite your colleagues next.")
            return redirect("org-home", org=org.slug)
    return render(request, "accounts/org_new.html", {"form": form})


@org_view("member")
def org_home(request, org):
    projects = paginate(request, project_list(request.user, org=org))
    memberships = org.memberships.select_related("user")
    invitations = [i for i in org.invitations.all() if i.is_open] if org.user_level >= 2 else []
    return render(
        request,
        "accounts/org_home.html",
        {
            "org": org,
            "page": projects,
            "memberships": memberships,
            "invitations": invitations,
            "invite_form": InvitationForm(),
            "is_owner": org.user_level >= 2,
            "org_roles": OrgRole.choices,
            "outbox": outbox_enabled(),
        },
    )


@org_view("owner")
@require_POST
def org_invite(request, org):
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("org-home", org=org.slug)
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)
    return redirect("org-home", org=org.slug)


@org_view("owner")
@require_POST
def org_invitation_revoke(request, org, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, org=org)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, f"Invitation of {invitation.email} revoked.")
    return redirect("org-home", org=org.slug)


@org_view("owner")
@require_POST
def org_member_role(request, org, user_id):
    member = get_object_or_404(User, pk=user_id, org_memberships__org=org)
    form = OrgRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose owner or member.")
        services.org_member_set_role(
            actor=request.user, org=org, user=member, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.display_name} is now {form.cleaned_data['role']}.")
    return redirect("org-home", org=org.slug)


@org_view("owner")
@require_POST
def org_member_remove(request, org, user_id):
    member = get_object_or_404(User, pk=user_id, org_memberships__org=org)
    try:
        services.org_member_remove(actor=request.user, org=org, user=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.display_name} removed from {org.name}.")
    return redirect("org-home", org=org.slug)


@org_view("owner")
def org_history(request, org):
    page = paginate(request, history_for_org(org.pk))
    entries = [describe_entry(e) for e in page]
    return render(
        request, "accounts/org_history.html", {"org": org, "page": page, "entries": entries}
    )


# --- invitations (the link in the e-mail) -------------------------------------------------------


@public_view
def invitation_accept(request, token):
    invitation = services.invitation_get_open(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None, email=invitation.email)
    error = None
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            if signed_in:
                user = services.invitation_accept(raw_token=token, user=request.user)
            else:
                user = services.invitation_accept(
                    raw_token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            messages.success(request, f"Welcome to {invitation.org.name}.")
            return redirect("org-home", org=invitation.org.slug)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "error": error},
    )
