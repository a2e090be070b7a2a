"""A user's login sessions, tracked in UserSession (filled when a user logs in), so that logout,
deactivation and a password change can end all of them without scanning the session table."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from .models import UserSession


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_track(user, session_key: str) -> None:
    """Remember that ``session_key`` belongs to ``user``; forget this user's rows that are past
    the absolute session limit (those sessions cannot be used any more)."""
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user, "second_factor": False})
    cutoff = timezone.now() - dt.timedelta(seconds=settings.SESSION_MAX_SECONDS)
    UserSession.objects.filter(user=user, created_at__lt=cutoff).delete()


def session_mark_second_factor(session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).update(second_factor=True)


def sessions_end(user, *, keep: str | None = None, only_without_second_factor: bool = False) -> int:
    """End every session of ``user`` (except ``keep``); returns how many were ended."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    if only_without_second_factor:
        rows = rows.filter(second_factor=False)
    keys = list(rows.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store().delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def purge_expired_sessions(*, now=None) -> tuple[int, int]:
    """Delete the sessions past their expiry (idle timeout) and the UserSession rows of sessions
    that no longer exist or are past the absolute limit; with them goes the filter state they held
    (core.filterstate). Returns (sessions, tracking rows) deleted. Run by ``dangjian purge-sessions``
    and meant for the scheduler: Django never clears the session table by itself."""
    from django.contrib.sessions.models import Session

    now = now or timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    cutoff = now - dt.timedelta(seconds=settings.SESSION_MAX_SECONDS)
    live = Session.objects.values("session_key")
    tracked, _ = UserSession.objects.exclude(session_key__in=live).delete()
    old, _ = UserSession.objects.filter(created_at__lt=cutoff).delete()
    return sessions, tracked + old
