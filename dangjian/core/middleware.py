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


class TryAgainLaterMiddleware:
    """Pages that say "not now" instead of 500. A write that lost a race in the database (a
    deadlock, a serialization failure, SQLite's lock) is answered 503: its transaction was rolled
    back, so the user only needs to submit again. Too many requests of one kind (``core.ratelimit``)
    are answered 429. Both in Chinese with Retry-After; the API answers the same in JSON
    (``dangjian/api.py``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.template.response import TemplateResponse

        from .errors import BUSY_MESSAGE, RateLimited, is_busy_database

        if isinstance(exception, RateLimited):
            status, message, retry = 429, str(exception), exception.retry_after
        elif is_busy_database(exception):
            status, message, retry = 503, BUSY_MESSAGE, 1
        else:
            return None
        response = TemplateResponse(request, "busy.html", {"message": message}, status=status)
        response["Retry-After"] = str(retry)
        return response.render()
