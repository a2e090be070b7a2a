"""The absolute session limit: a session ends a fixed time after login, however active it is.
(The idle timeout is Django's own: SESSION_COOKIE_AGE renewed on every request.)"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

LOGIN_AT = "dangjian_login_at"


def mark_login_time(request) -> None:
    request.session[LOGIN_AT] = int(time.time())


class SessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get(LOGIN_AT)
            if started is None:
                mark_login_time(request)
            elif time.time() - started > settings.SESSION_MAX_SECONDS:
                logout(request)
                messages.warning(request, "登录时间已超过上限，请重新登录。")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
