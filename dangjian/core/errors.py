"""Errors raised by actions, turned into Chinese messages by views and the API."""

from django.core.exceptions import ValidationError


class ActionDenied(PermissionError):
    """The acting user may not do this here (scope or role). Every refusal raised while serving a
    request is noted, and audited once the response is made (core.refusals)."""

    def __init__(self, *args):
        super().__init__(*args)
        from .context import note_refusal

        note_refusal(str(args[0]) if args else "无权操作")


class VersionConflict(Exception):
    """The record changed since the user loaded it; carries both versions for the conflict page."""

    def __init__(self, message: str, *, current: dict, submitted: dict):
        super().__init__(message)
        self.current = current
        self.submitted = submitted


# SQLSTATEs of a write that lost a race and may simply be tried again: deadlock_detected,
# serialization_failure, lock_not_available.
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}
BUSY_MESSAGE = "系统繁忙：与他人的操作同时提交，本次操作未保存任何内容，请稍后重试"


def is_busy_database(exc: BaseException) -> bool:
    """A database error that means "try again": a deadlock or serialization failure on PostgreSQL,
    a write lock held too long on SQLite. The transaction was rolled back, so nothing was saved."""
    from django.db import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc)


class RateLimited(Exception):
    """Too many of one kind of request from one user or address (``core.ratelimit``): 429."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class AuditedRefusal(ValidationError):
    """A refusal that is itself audited (an out-of-scope duplicate ID number). The refused action's
    transaction rolls back, taking any record written in it, so the record is written afterwards by
    whoever answers the refusal — ``shortcuts.run_action`` for pages, the API's error handler —
    through ``history.record_refusal``. ``audit``: the record's action, object type and note."""

    def __init__(self, message, *, actor, audit: dict):
        super().__init__(message)
        self.actor = actor
        self.audit = audit
