from django.urls import include, path, re_path

from rapport.api.api import api
from rapport.api.views import api_not_found

urlpatterns = [
    path("api/v1/", api.urls),
    # Anything else under the API answers JSON, never an HTML error page.
    re_path(r"^api(?:/(?P<rest>.*))?$", api_not_found),
    path("", include("rapport.accounts.urls")),
    path("", include("rapport.projects.urls")),
    path("", include("rapport.stakeholders.urls")),
    path("", include("rapport.status.urls")),
    path("", include("rapport.comms.urls")),
    path("", include("rapport.raci.urls")),
    path("", include("rapport.promises.urls")),
    path("", include("rapport.estimates.urls")),
    path("", include("rapport.relations.urls")),
    path("", include("rapport.meetings.urls")),
    path("", include("rapport.education.urls")),
    path("", include("rapport.lessons.urls")),
    path("", include("rapport.experts.urls")),
    path("", include("rapport.satisfaction.urls")),
    path("", include("rapport.slas.urls")),
    path("", include("rapport.relationship.urls")),
    path("", include("rapport.ops.urls")),
]

handler500 = "rapport.api.views.server_error"
