from django.urls import include, path

from rapport.api.api import api
from rapport.api.views import api_not_found

urlpatterns = [
    path("api/v1/", api.urls),
    # Anything else under the API answers JSON, never an HTML error page.
    path("api/<path:rest>", api_not_found),
    path("", include("rapport.accounts.urls")),
    path("", include("rapport.projects.urls")),
]

handler500 = "rapport.api.views.server_error"
