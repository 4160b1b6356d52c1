from datetime import datetime

from django.contrib.auth import get_user_model
from ninja import Router, Schema, Status
from pydantic import EmailStr

from . import services
from .access import access_org
from .models import Organisation

router = Router(tags=["organisations"])
User = get_user_model()


class MeOut(Schema):
    id: int
    email: str
    full_name: str


class OrgOut(Schema):
    slug: str
    name: str
    your_role: str
    allow_frequent_reports: bool = False


class OrgPatch(Schema):
    allow_frequent_reports: bool


class OrgMemberOut(Schema):
    user_id: int
    email: str
    full_name: str
    role: str


class InvitationIn(Schema):
    email: EmailStr
    role: str = "member"


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    expires_at: datetime


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    return request.user


@router.get("/orgs", response=list[OrgOut], summary="Organisations you belong to")
def org_list(request):
    memberships = request.user.org_memberships.select_related("org").order_by("org__name")
    return [
        {
            "slug": m.org.slug,
            "name": m.org.name,
            "your_role": m.role,
            "allow_frequent_reports": m.org.allow_frequent_reports,
        }
        for m in memberships
    ]


@router.get("/orgs/{slug}", response=OrgOut)
def org_get(request, slug: str):
    org = access_org(request.user, slug, "member")
    return _org_out(org)


def _org_out(org) -> dict:
    return {
        "slug": org.slug,
        "name": org.name,
        "your_role": "owner" if org.user_level >= 2 else "member",
        "allow_frequent_reports": org.allow_frequent_reports,
    }


@router.patch("/orgs/{slug}", response=OrgOut, summary="Change the organisation's policies")
def org_patch(request, slug: str, payload: OrgPatch):
    org = access_org(request.user, slug, "owner")
    services.org_settings_set(
        actor=request.user, org=org, allow_frequent_reports=payload.allow_frequent_reports
    )
    org.refresh_from_db()
    return _org_out(org)


@router.get("/orgs/{slug}/members", response=list[OrgMemberOut])
def org_member_list(request, slug: str):
    org = access_org(request.user, slug, "member")
    return [
        {"user_id": m.user_id, "email": m.user.email, "full_name": m.user.full_name, "role": m.role}
        for m in org.memberships.select_related("user")
    ]


@router.post("/orgs/{slug}/invitations", response={201: InvitationOut}, summary="Invite by e-mail")
def org_invitation_create(request, slug: str, payload: InvitationIn):
    org: Organisation = access_org(request.user, slug, "owner")
    invitation, _ = services.invitation_create(
        actor=request.user, org=org, email=payload.email, role=payload.role
    )
    return Status(201, invitation)
