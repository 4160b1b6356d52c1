"""Response headers every answer from Rapport's views carries: Permissions-Policy and no-store."""

from django.conf import settings


class SecurityHeadersMiddleware:
    """Permissions-Policy (no camera, microphone, location, payment ...) and
    `Cache-Control: no-store` on every response a view makes. Nearly all of them hold someone's
    data (pages for a signed-in person, the API, exports, portal pages and calendar feeds whose
    links are the credential), so a shared computer's back button or a proxy never shows them to
    the next person. Static files are answered before this middleware (WhiteNoise) and stay
    cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response["Cache-Control"] = "no-store"
        return response
