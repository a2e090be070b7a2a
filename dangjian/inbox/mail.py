"""Optional e-mail copies of new 待办 items, through the deployment's own SMTP server
(``DANGJIAN_EMAIL_HOST``). Off unless configured: nothing leaves the machine otherwise. Mail is
sent by the background worker after the item's transaction commits, never inside a request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from .models import InboxItem
from .queries import staff_users


def enabled() -> bool:
    return bool(getattr(settings, "INBOX_EMAIL", False))


def send_on_commit(item) -> None:
    if not enabled():
        return
    item_id = item.pk
    transaction.on_commit(lambda: mail_item.enqueue(item_id))


def recipients(item) -> list[str]:
    users = [item.user] if item.user_id else list(staff_users(item.org_id))
    return sorted({u.email for u in users if u.email and u.is_active})


@task()
def mail_item(item_id: int) -> int:
    item = InboxItem.objects.select_related("user").filter(pk=item_id, done_at__isnull=True).first()
    if item is None or not enabled():
        return 0
    to = recipients(item)
    if not to:
        return 0
    body = "\n\n".join(part for part in [item.title, item.body, "请登录党建工作平台查看“待办”。"] if part)
    return send_mail(f"【待办】{item.title}"[:150], body, None, to)
