"""Pages that may show personal data are never kept by browsers or proxies."""


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


def content_security_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response the application makes
    (static files, served by WhiteNoise earlier in the chain, do not need them). The policy is fixed:
    no inline script or style anywhere, so no nonces (README「内容安全策略」; settings.CONTENT_SECURITY_POLICY).
    A view may set its own header first; it is then left alone."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = content_security_policy(settings.CONTENT_SECURITY_POLICY)
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
