"""What the load users' browser does, with the standard library only (the driver imports this
without locust): read a page's POST form, keep cookies as the TLS proxy in front of gunicorn would,
and log in through the login form.

Production settings mark the session and CSRF cookies ``Secure``. The browser's side of the proxy
is HTTPS, where they belong; the proxy passes them on to gunicorn over plain HTTP on loopback and
adds ``X-Forwarded-Proto: https``, which the settings trust. The client stands in for both.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy

PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class BehindTlsProxy(DefaultCookiePolicy):
    """Send ``Secure`` cookies on the loopback hop, as the proxy does."""

    def return_ok_secure(self, cookie, request):
        return True


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form, self.fields = True, {}
            self.forms.append(self.fields)
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            else:
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "select" and self._select:
            self.fields.setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def post_form_fields(html: str, having: str) -> dict[str, str]:
    """Name → value of the first ``<form method="post">`` with a field ``having``: inputs, checked
    boxes, selected options, textareas; what a browser sends when the form is submitted unchanged.
    Empty when there is no such form."""
    parser = _FormFields()
    parser.feed(html)
    return next((f for f in parser.forms if having in f), {})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(base: str, username: str, password: str) -> tuple[dict[str, str], float]:
    """Log in through the login form (GET for the CSRF token, POST); the session's cookies and the
    seconds the POST took. Raises RuntimeError unless the answer is the redirect to the home page."""
    jar = CookieJar(policy=BehindTlsProxy())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    origin = base.replace("http://", "https://", 1)
    with opener.open(urllib.request.Request(base + "/accounts/login/", headers=PROXY_HEADERS), timeout=120) as resp:
        fields = post_form_fields(resp.read().decode(), "csrfmiddlewaretoken")
    fields.update(username=username, password=password)
    request = urllib.request.Request(
        base + "/accounts/login/", data=urllib.parse.urlencode(fields).encode(), method="POST",
        headers={**PROXY_HEADERS, "Origin": origin, "Referer": origin + "/accounts/login/"},
    )
    started = time.monotonic()
    try:
        with opener.open(request, timeout=120) as resp:
            status, location = resp.status, resp.headers.get("Location")
    except urllib.error.HTTPError as exc:
        status, location = exc.code, exc.headers.get("Location")
    elapsed = time.monotonic() - started
    if status != 302 or location != "/":
        raise RuntimeError(f"{username} 登录失败：HTTP {status}，跳转到 {location or '-'}（期望 302 跳转到 /）")
    return {c.name: c.value for c in jar}, elapsed
