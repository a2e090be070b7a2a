"""The absolute session limit: a session ends a fixed time after login, however active it is.
The idle timeout is Django's own SESSION_COOKIE_AGE, renewed by writing the session at most once
every ``RENEW_SECONDS`` (not on every request: that was a database write and commit on every page
and API call; the idle timeout is thereby exact to within a minute). And the forced password
change: a user who must change the password reaches nothing else until it is done."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

LOGIN_AT = "dangjian_login_at"
SEEN_AT = "dangjian_seen_at"
RENEW_SECONDS = 60
# Set at login (rules.FIRST_LOGIN / rules.EXPIRED) when the password must be changed first; the
# decision is taken once per login, so ordinary requests cost no query.
PASSWORD_CHANGE = "dangjian_password_change"
API_PASSWORD_CHANGE_MESSAGE = "须先修改密码：首次登录或密码已过期，请先登录网页修改密码，再使用接口"


def mark_login_time(request) -> None:
    request.session[LOGIN_AT] = int(time.time())


class SessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(LOGIN_AT)
            if started is None:
                mark_login_time(request)
            elif now - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                messages.warning(request, "登录时间已超过上限，请重新登录。")
                return redirect(settings.LOGIN_URL)
            if now - request.session.get(SEEN_AT, 0) >= RENEW_SECONDS:
                request.session[SEEN_AT] = now  # saved with a new expiry, and the cookie renewed
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Until the password is changed, only the change page, logout and static files answer; every
    other page redirects there and the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and hasattr(request, "session")
                and request.session.get(PASSWORD_CHANGE) and not self._allowed(request.path_info)):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": API_PASSWORD_CHANGE_MESSAGE}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path in {reverse("accounts:password_change"), reverse("accounts:logout")} or path.startswith(static)
