"""Read replicas: report, statistics, dashboard and export reads on PostgreSQL streaming replicas
(docs/scaling.md「读写分离」).

- **Explicit**: only code inside ``with reading():`` (or decorated ``@reading()``) reads from a
  replica. Everything else — permission checks, an action's reads before its write, the session —
  stays on the primary, so a lagging replica can never feed a write or a scope decision.
- **Never inside a write**: in an open transaction on the primary, or for the rest of a request that
  can write (POST and the like), reads stay on the primary.
- **Read-your-own-writes**: after a request that can write, ``ReplicaPinMiddleware`` gives the
  browser the primary's WAL position (cookie ``dangjian_lsn``); until a replica has replayed that
  far, this session's reports read from the primary. A background export does the same with the
  position at the moment it starts (``reading(after=primary_lsn(), wait=…)``).
- **Some tables never**: accounts, sessions, cache, jobs and the like (``PRIMARY_ONLY``) — a revoked
  position must take effect at once, and the cache and rate-limit counters are written where read.
- **No replica, no change**: without ``DANGJIAN_REPLICA_URL`` the router answers ``None`` to
  everything and Django behaves as if it were not there (SQLite, the single PC).
"""

from __future__ import annotations

import random
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

PRIMARY_ONLY = frozenset({
    "accounts", "administration", "auth", "contenttypes", "sessions", "django_cache", "django_otp",
    "otp_totp", "jobs", "django_tasks_database", "inbox",
})
PRIMARY = "primary"  # a pin that keeps every read on the primary (a request that can write)
LSN_COOKIE = "dangjian_lsn"
_LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")
DOWN_SECONDS = 30  # a replica that refused a connection is left alone this long

_reading: ContextVar[bool] = ContextVar("dangjian_reading", default=False)
_pin: ContextVar[str | None] = ContextVar("dangjian_replica_pin", default=None)
_chosen: ContextVar[str | None] = ContextVar("dangjian_replica_chosen", default=None)
_down_until: dict[str, float] = {}


def replica_aliases() -> list[str]:
    return list(getattr(settings, "REPLICA_ALIASES", []))


def _on_postgres(alias: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[alias].vendor == "postgresql"


def primary_lsn() -> str | None:
    """The primary's current WAL position (``None`` off PostgreSQL or without replicas)."""
    if not replica_aliases() or not _on_postgres():
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def _replayed(alias: str, lsn: str, wait: float) -> bool:
    """Whether replica ``alias`` has replayed the primary's WAL up to ``lsn``, waiting up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [lsn])
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _usable(alias: str) -> bool:
    if _down_until.get(alias, 0) > time.monotonic():
        return False
    try:
        connections[alias].ensure_connection()
        return True
    except DatabaseError:
        _down_until[alias] = time.monotonic() + DOWN_SECONDS
        return False


def _choose(wait: float = 0) -> str | None:
    """The replica this block reads from, or None for the primary."""
    pin = _pin.get()
    if pin == PRIMARY or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    candidates = [a for a in replica_aliases() if _usable(a)]
    random.shuffle(candidates)
    for alias in candidates:
        try:
            if pin is None or _replayed(alias, pin, wait):
                return alias
        except DatabaseError:
            _down_until[alias] = time.monotonic() + DOWN_SECONDS
    return None


@contextmanager
def reading(*, after: str | None = None, wait: float = 0):
    """Reads inside go to a replica (when one is configured, answers, and has replayed this session's
    writes, or ``after`` when given, waiting up to ``wait`` seconds); otherwise to the primary.
    Also a decorator: ``@reading()``."""
    if not replica_aliases():
        yield None
        return
    pin_token = _pin.set(after) if after else None
    chosen = _choose(wait)
    tokens = (_reading.set(True), _chosen.set(chosen))
    try:
        yield chosen
    finally:
        _chosen.reset(tokens[1])
        _reading.reset(tokens[0])
        if pin_token is not None:
            _pin.reset(pin_token)


def read_alias() -> str | None:
    """The alias reads go to right now (None: the router leaves it to Django, i.e. the primary)."""
    return _chosen.get() if _reading.get() else None


class ReplicaRouter:
    """``settings.DATABASE_ROUTERS``: a no-op without replicas (see the module's docstring)."""

    def db_for_read(self, model, **hints):
        alias = read_alias()
        if alias is None or model._meta.app_label in PRIMARY_ONLY or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model, **hints):
        # an object read from a replica is saved on the primary, never where it was read
        return DEFAULT_DB_ALIAS if replica_aliases() else None

    def allow_relation(self, obj1, obj2, **hints):
        same = {DEFAULT_DB_ALIAS, *replica_aliases()}
        return True if obj1._state.db in same and obj2._state.db in same else None

    def allow_migrate(self, db, app_label, **hints):
        return False if db in replica_aliases() else None


class ReplicaPinMiddleware:
    """Read-your-own-writes per session: see the module's docstring."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        writes = request.method not in self.SAFE
        cookie = request.COOKIES.get(LSN_COOKIE, "")
        token = _pin.set(PRIMARY if writes else (cookie if _LSN.match(cookie) else None))
        try:
            response = self.get_response(request)
        finally:
            _pin.reset(token)
        if writes and _on_postgres():
            response.set_cookie(LSN_COOKIE, primary_lsn(), max_age=settings.REPLICA_PIN_SECONDS,
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
