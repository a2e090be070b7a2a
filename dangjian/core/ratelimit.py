"""A small rate limiter on the shared cache (settings.CACHES["shared"], a database table every
process sees): how many times one user and one source address may do a kind of thing in a window.

Used where an answer tells something about data the asker may not see — a lookup by ID number, a
member created or imported (a refused duplicate says the number exists somewhere) — and on login.
Fixed windows: the count of the current window of ``seconds``; each of the user and the address has
its own count and either one over the limit refuses. The cache's increment is not atomic across
processes, so two requests at the same instant may both count as one: the limit holds within a
request or two, which is what it is for (slowing enumeration down by orders of magnitude).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from .context import current_request
from .errors import RateLimited

CACHE = "shared"


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """"60/600": 60 times per 600 seconds."""
        count, _, seconds = text.partition("/")
        return cls(int(count), int(seconds))

    def describe(self) -> str:
        minutes = self.seconds / 60
        window = f"{minutes:g} 分钟" if self.seconds >= 60 else f"{self.seconds} 秒"
        return f"每 {window}最多 {self.count} 次"


# kind → (the setting holding its limit, what the user is told it is)
KINDS = {
    "id_lookup": ("RATE_LIMIT_ID_LOOKUPS", "按公民身份号码或手机号码查找、登记党员"),
    "import": ("RATE_LIMIT_IMPORTS", "导入"),
    "login": ("RATE_LIMIT_LOGINS", "登录"),
}


def limit_of(kind: str) -> Limit:
    return Limit.parse(getattr(settings, KINDS[kind][0]))


def check(kind: str, *, user=None, address: str | None = None) -> None:
    """Count one ``kind`` for the user (when logged in) and the address (the request's, as the audit
    log records it); RateLimited when either is over its limit in the current window."""
    limit = limit_of(kind)
    address = address or current_request().address
    window = int(time.time() // limit.seconds)
    who = []
    if user is not None and getattr(user, "is_authenticated", False):
        who.append(f"u{user.pk}")
    if address:
        who.append(f"a{address}")
    cache = caches[CACHE]
    over = False
    for name in who:
        key = f"rate:{kind}:{name}:{window}"
        cache.add(key, 0, timeout=limit.seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.seconds)
            count = 1
        over = over or count > limit.count
    if over:
        retry = int(limit.seconds - time.time() % limit.seconds) + 1
        raise RateLimited(f"操作过于频繁：{KINDS[kind][1]}{limit.describe()}，请稍后再试", retry_after=retry)



def limit_posts(kind: str, view):
    """``view`` with every POST counted as one ``kind`` (by address, and by user once logged in):
    for pages such as the login, where the form itself is the thing to slow down."""
    from functools import wraps

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST":
            check(kind, user=getattr(request, "user", None))
        return view(request, *args, **kwargs)

    return limited
