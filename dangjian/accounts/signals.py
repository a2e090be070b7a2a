"""Session bookkeeping that must happen whichever page or action caused it."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from .middleware import SEEN_AT, mark_login_time
from .models import AdminDuty
from .sessions import session_track, sessions_end


@receiver(user_logged_in, dispatch_uid="accounts_track_session")
def track_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    # a new session starts its clock and its full idle time at login, whichever path logged in: the
    # first request after it need not write the session again (every request then costs the same)
    mark_login_time(request)
    session[SEEN_AT] = int(time.time())
    if session.session_key is None:  # after a flush (another user was logged in) the key comes on save
        session.save()
    session_track(user, session.session_key)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_inactive_ends_sessions")
def end_sessions_of_inactive_user(sender, instance, raw=False, **kwargs):
    """An account switched off by any path (administration page, shell, command) loses every
    session and every API token at once (tokens are revoked, so enabling it again does not bring
    them back). ``QuerySet.update(is_active=False)`` sends no signal: use the actions."""
    if not raw and not instance.is_active:
        from dangjian.core.actors import SYSTEM

        from .actions import api_tokens_revoke_all

        sessions_end(instance)
        api_tokens_revoke_all(acting_user=SYSTEM, user=instance, reason="账号已停用")


@receiver(post_save, sender=AdminDuty, dispatch_uid="accounts_duty_needs_second_factor")
def end_sessions_without_second_factor(sender, instance, raw=False, **kwargs):
    """A duty needs the second factor: sessions opened with the password alone end when one is granted."""
    if not raw:
        sessions_end(instance.user, only_without_second_factor=True)
