"""List filters that carry personal data kept out of URLs (issue 5 item 4).

A search term (a name, a full 公民身份号码, a phone number) in a query string ends up in access logs,
browser history and Referer headers. The list form therefore POSTs; the filters are kept in the
session under a short opaque key and the browser is sent to ``?s=<key>``, which pagination, the
export link and a reload all reuse. A GET that still carries a private parameter (an old bookmark,
a typed URL) is stored and redirected the same way, so the term leaves the address bar at once.

The key is an HMAC of the filters under a random per-session salt and a key derived from the data
key: the same filters give the same key within a session (typing does not pile up entries), and
nothing about the term can be read from it, not even by guessing ID numbers against the session
table. The filters themselves are stored sealed (SM4-GCM under the data key, issue 12 item 3): the
session table and its backups hold no searched ID or phone number in clear. Saved filters older
than the absolute session limit are dropped. A key from another session, or one dropped from the
bounded store, means "no filters" and a message, never an error.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict

from . import crypto

SESSION_KEY = "saved_filters"
SALT_KEY = "saved_filters_salt"
MAX_SAVED = 30
PRIVATE_PARAMS = ("q",)
DROPPED = ("csrfmiddlewaretoken", "page", "s")


def stash(request, params: QueryDict) -> str:
    clean = params.copy()
    for name in DROPPED:
        clean.pop(name, None)
    encoded = clean.urlencode()
    salt = request.session.get(SALT_KEY) or request.session.setdefault(SALT_KEY, secrets.token_hex(16))
    key = crypto.seal("filter-key", f"{salt}|{encoded}".encode())[:12]
    saved = _fresh(request.session.get(SESSION_KEY, {}))
    saved.pop(key, None)
    saved[key] = {"sealed": crypto.encrypt(encoded), "at": int(time.time())}
    while len(saved) > MAX_SAVED:
        saved.pop(next(iter(saved)))
    request.session[SESSION_KEY] = saved
    return key


def _fresh(saved: dict) -> dict:
    """The saved filters younger than the absolute session limit, in the current format."""
    oldest = time.time() - settings.SESSION_MAX_SECONDS
    return {k: v for k, v in saved.items() if isinstance(v, dict) and v.get("at", 0) >= oldest}


def saved_params(request, key: str) -> QueryDict | None:
    entry = _fresh(request.session.get(SESSION_KEY, {})).get(key)
    if entry is None:
        return None
    try:
        return QueryDict(crypto.decrypt(entry["sealed"]))
    except (crypto.DecryptionError, KeyError):
        return None


def has_private(params: QueryDict) -> bool:
    return any(params.get(name, "").strip() for name in PRIVATE_PARAMS)


def resolve(request) -> tuple[QueryDict, str, HttpResponseRedirect | None]:
    """``(filters, query string for links, redirect)``: when the redirect is not None, return it."""
    if request.method == "POST" or has_private(request.GET):
        key = stash(request, request.POST if request.method == "POST" else request.GET)
        return QueryDict(), "", HttpResponseRedirect(f"{request.path}?s={key}", status=303)
    key = request.GET.get("s", "")
    if key:
        params = saved_params(request, key)
        if params is None:
            messages.info(request, "查询条件已失效（可能已重新登录），请重新查询")
            return QueryDict(), "", None
        return params, f"s={key}", None
    query = request.GET.copy()
    query.pop("page", None)
    return request.GET, query.urlencode(), None


def params_for(request) -> QueryDict:
    """The filters a GET (an export link) means: the saved ones for ``?s=``, else the query string."""
    key = request.GET.get("s", "")
    if key:
        return saved_params(request, key) or QueryDict()
    return request.GET
