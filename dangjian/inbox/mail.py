"""Optional e-mail copies of new 待办 items, through the deployment's own SMTP server
(``DANGJIAN_EMAIL_HOST``). Off unless configured: nothing leaves the machine otherwise. Mail is
sent by the background worker after the item's transaction commits, never inside a request."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction


def enabled() -> bool:
    return bool(getattr(settings, "INBOX_EMAIL", False))


def send_on_commit(item) -> None:
    if not enabled():
        return
    from .tasks import mail_item

    item_id = item.pk
    transaction.on_commit(lambda: mail_item.enqueue(item_id))


def recipients(item) -> list[str]:
    from .queries import staff_users

    users = [item.user] if item.user_id else list(staff_users(item.org_id))
    return sorted({u.email for u in users if u.email and u.is_active})
