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
