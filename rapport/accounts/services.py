"""Every write about users, organisations, invitations and API tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from rapport.lib.audit import acting_as
from rapport.lib.validation import field_error, unique_write, validated_save

from .models import ApiToken, Invitation, Organisation, OrgMembership, OrgRole, token_hash

INVITATION_DAYS = 14

User = get_user_model()


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    is_superuser: bool = False,
    actor=None,
    self_service: bool = False,
) -> "User":
    """Create a person who can sign in. The password must pass the configured validators.

    History credits `actor` (who ran `createuser`, say), or with `self_service` the new person
    (accepting an invitation)."""
    email = User.objects.normalize_email(email or "").strip().lower()

    def check_email():
        if User.objects.filter(email__iexact=email).exists():
            raise field_error("email", f"A user with the e-mail {email} already exists.")

    check_email()
    user = User(email=email, full_name=full_name, is_superuser=is_superuser, is_staff=is_superuser)
    if password is not None:
        password_validation.validate_password(password, user)
    user.set_password(password)
    with acting_as(user if self_service else actor), unique_write(check_email):
        validated_save(user, exclude=["password"])
    return user


@transaction.atomic
def org_create(*, actor, slug: str, name: str) -> Organisation:
    """Create an organisation; its creator (if any) becomes its first owner."""
    org = Organisation(slug=(slug or "").strip().lower(), name=(name or "").strip())

    def check_slug():
        if Organisation.objects.filter(slug=org.slug).exists():
            raise field_error("slug", f"The short name {org.slug} is taken; choose another.")

    check_slug()
    with acting_as(actor):
        with unique_write(check_slug):
            validated_save(org)
        if actor is not None:
            OrgMembership.objects.create(org=org, user=actor, role=OrgRole.OWNER)
    return org


@transaction.atomic
def org_settings_set(*, actor, org: Organisation, allow_frequent_reports: bool) -> Organisation:
    """Change the organisation's policies (owners only; the caller checks the role)."""
    if not isinstance(allow_frequent_reports, bool):
        raise field_error("allow_frequent_reports", "Say yes or no (true or false).")
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    org.allow_frequent_reports = allow_frequent_reports
    with acting_as(actor):
        return validated_save(org)


def _owner_count(org) -> int:
    return org.memberships.filter(role=OrgRole.OWNER).count()


def _lock_members(org) -> None:
    """Serialise changes to an organisation's members, so that two owners stepping down at
    the same moment (on two app servers) cannot leave it with none."""
    Organisation.objects.select_for_update().filter(pk=org.pk).first()


@transaction.atomic
def org_member_add(*, actor, org: Organisation, user, role: str = OrgRole.MEMBER) -> OrgMembership:
    if role not in OrgRole.values:
        raise field_error("role", f"Role must be one of {', '.join(OrgRole.values)}.")
    if org.memberships.filter(user=user).exists():
        raise field_error("user", f"{user.email} is already a member of {org.name}.")
    with acting_as(actor):
        return OrgMembership.objects.create(org=org, user=user, role=role)


@transaction.atomic
def org_member_set_role(*, actor, org: Organisation, user, role: str) -> OrgMembership:
    if role not in OrgRole.values:
        raise field_error("role", f"Role must be one of {', '.join(OrgRole.values)}.")
    _lock_members(org)
    membership = org.memberships.select_for_update(of=("self",)).filter(user=user).first()
    if membership is None:
        raise field_error("user", f"{user.email} is not a member of {org.name}.")
    if membership.role == OrgRole.OWNER and role != OrgRole.OWNER and _owner_count(org) == 1:
        raise field_error(
            "role", "An organisation needs at least one owner; make someone else owner first."
        )
    membership.role = role
    with acting_as(actor):
        membership.save()
    return membership


@transaction.atomic
def org_member_remove(*, actor, org: Organisation, user) -> None:
    """Remove a member and their roles on the organisation's projects."""
    from rapport.projects.models import ProjectMembership

    _lock_members(org)
    membership = org.memberships.filter(user=user).first()
    if membership is None:
        raise field_error("user", f"{user.email} is not a member of {org.name}.")
    if membership.role == OrgRole.OWNER and _owner_count(org) == 1:
        raise field_error("user", "The last owner cannot leave; make someone else owner first.")
    with acting_as(actor):
        for project_membership in ProjectMembership.objects.filter(project__org=org, user=user):
            project_membership.delete()
        membership.delete()


def _send_invitation(invitation_id: int, raw_token: str) -> None:
    invitation = Invitation.objects.select_related("org", "invited_by").get(pk=invitation_id)
    link = settings.SITE_URL + reverse("invitation-accept", args=[raw_token])
    context = {"invitation": invitation, "link": link, "days": INVITATION_DAYS}
    send_mail(
        subject=f"You are invited to {invitation.org.name} on Rapport",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_create(
    *, actor, org: Organisation, email: str, role: str = OrgRole.MEMBER
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the raw link token (sent, not stored)."""
    email = (email or "").strip().lower()
    if role not in OrgRole.values:
        raise field_error("role", f"Role must be one of {', '.join(OrgRole.values)}.")
    if org.memberships.filter(user__email__iexact=email).exists():
        raise field_error("email", f"{email} is already a member of {org.name}.")
    raw = get_random_string(40)
    invitation = Invitation(
        org=org,
        email=email,
        role=role,
        token_hash=token_hash(raw),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    with acting_as(actor):
        # Re-inviting replaces an open invitation of the same address.
        for old in org.invitations.filter(email=email, accepted_at=None, revoked_at=None):
            old.revoked_at = timezone.now()
            old.save()
        validated_save(invitation)
    transaction.on_commit(lambda: _send_invitation(invitation.pk, raw))
    return invitation, raw


def invitation_get_open(raw_token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("org").filter(token_hash=token_hash(raw_token)).first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def invitation_accept(
    *, raw_token: str, user=None, full_name: str = "", password: str | None = None
):
    """Join the organisation: as the signed-in `user`, or as a new user with this password."""
    invitation = invitation_get_open(raw_token)
    if invitation is None:
        raise ValidationError("This invitation link is not valid any more. Ask for a new one.")
    if user is None:
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if existing is not None:
            raise ValidationError(
                f"An account for {invitation.email} exists: sign in first, then open the link again."
            )
        user = user_create(
            email=invitation.email, password=password, full_name=full_name, self_service=True
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}; you are signed in as {user.email}."
        )
    with acting_as(user):
        if not invitation.org.memberships.filter(user=user).exists():
            OrgMembership.objects.create(org=invitation.org, user=user, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.save()
    return user


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> None:
    with acting_as(actor):
        invitation.revoked_at = timezone.now()
        invitation.save()


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token. The raw token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise field_error("name", "Give the token a name, such as the script that will use it.")
    raw = ApiToken.generate()
    token = ApiToken(user=actor, name=name, hint=raw[:10], token_hash=token_hash(raw))
    with acting_as(actor):
        validated_save(token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise field_error("token", "You can only revoke your own tokens.")
    with acting_as(actor):
        token.revoked_at = timezone.now()
        token.save()


def api_token_authenticate(raw: str):
    """The user of an active token, or None. Marks the token used (at most once a minute)."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
