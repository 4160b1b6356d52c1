from .models import Organisation


def navigation(request):
    """The organisations in the top navigation of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_orgs": lambda: list(
            Organisation.objects.filter(memberships__user=user).order_by("name")
        ),
    }
