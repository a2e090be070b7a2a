"""Tunable numbers of organisational life. settings.py reads them from the environment
(``DANGJIAN_ORGLIFE_*``); the defaults here only serve a settings module without them."""

from __future__ import annotations

from django.conf import settings


def _number(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def lock_days() -> int:
    """Days after the meeting after which a record is locked; later changes are amendments."""
    return _number("ORGLIFE_LOCK_DAYS", 30)


def late_entry_days() -> int:
    """补录: entered more than this many days after the meeting was held."""
    return _number("ORGLIFE_LATE_ENTRY_DAYS", 7)


def silent_days() -> int:
    return _number("ORGLIFE_SILENT_DAYS", 30)


def max_attachment_bytes() -> int:
    return _number("ORGLIFE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
