"""The inbox's background work: the daily refresh of every feed (scheduled, no cron) and the
optional e-mail of a new item."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from dangjian.jobs.periodic import daily


@daily("inbox.refresh", at=dt.time(5, 30))
@task()
def refresh_inbox() -> dict:
    from .registry import refresh_all

    return refresh_all()


@task()
def refresh_part(names: list[str], org_ids: list[int]) -> dict:
    from .registry import refresh

    return {name: refresh(name, org_ids=org_ids) for name in names}


@task()
def mail_item(item_id: int) -> int:
    from django.core.mail import send_mail

    from .mail import enabled, recipients
    from .models import InboxItem

    item = InboxItem.objects.select_related("user").filter(pk=item_id, done_at__isnull=True).first()
    if item is None or not enabled():
        return 0
    to = recipients(item)
    if not to:
        return 0
    body = "\n\n".join(part for part in [item.title, item.body, "请登录党建工作平台查看“待办”。"] if part)
    return send_mail(f"【待办】{item.title}"[:150], body, None, to)
