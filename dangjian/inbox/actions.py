"""The one small interface every module feeds the inbox through.

- ``notify(key=..., title=..., org=... | user=...)`` from inside an action's transaction when work
  arrives for someone (a 销号 request to review, an item returned);
- ``resolve(key=...)`` when that work is done (reviewed, resubmitted, decided);
- ``sync(source=..., wanted=[Notice, ...])`` from a scheduled scan, for conditions that arise with
  the calendar rather than from an action (a meeting falling due, a term about to end): it opens
  what is wanted and not open, updates what changed, and closes what is no longer wanted.

Keys name the work, not the person: one open item per key (the database enforces it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.core.actors import check_actor
from dangjian.core.errors import ActionDenied

from . import mail
from .models import InboxItem, InboxRead
from .queries import addressed_to

ACKNOWLEDGED = "已知悉"


@dataclass(frozen=True)
class Notice:
    """What a scan wants open: the same fields ``notify`` takes."""

    key: str
    title: str
    user_id: int | None = None
    org_id: int | None = None
    body: str = ""
    url: str = ""
    due_on: dt.date | None = None
    is_notice: bool = False

    def fields(self) -> dict:
        return {"user_id": self.user_id, "org_id": self.org_id, "title": self.title[:300], "body": self.body,
                "url": self.url[:300], "due_on": self.due_on, "is_notice": self.is_notice}


def _address(user, org) -> tuple[int | None, int | None]:
    if (user is None) == (org is None):
        raise ValueError("a 待办 item goes to one person or to one organisation's staff")
    return (user.pk, None) if user is not None else (None, org.pk)


@transaction.atomic
def notify(*, key: str, source: str, title: str, user=None, org=None, body: str = "", url: str = "",
           due_on: dt.date | None = None, notice: bool = False) -> InboxItem:
    """Open (or refresh) the item ``key``. A refreshed item is unread again for everyone."""
    user_id, org_id = _address(user, org)
    wanted = Notice(key, title, user_id, org_id, body, url, due_on, notice)
    item = InboxItem.objects.select_for_update().filter(key=key, done_at__isnull=True).first()
    if item is None:
        item = InboxItem.objects.create(source=source, key=key, **wanted.fields())
    else:
        for name, value in wanted.fields().items():
            setattr(item, name, value)
        item.save()
        item.reads.all().delete()
    mail.send_on_commit(item)
    return item


def resolve(*, key: str, note: str = "") -> int:
    """Close the open item ``key`` (if any): the work behind it is done."""
    return InboxItem.objects.filter(key=key, done_at__isnull=True).update(done_at=timezone.now(),
                                                                         done_note=note[:200])


def resolve_all(*, key_prefix: str, note: str = "") -> int:
    """Close every open item whose key starts with ``key_prefix`` (the per-person items of one piece
    of work that ended for everyone at once): one UPDATE."""
    return InboxItem.objects.filter(key__startswith=key_prefix, done_at__isnull=True).update(
        done_at=timezone.now(), done_note=note[:200])


@transaction.atomic
def sync(*, source: str, wanted: Iterable[Notice], org_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Make the open items of ``source`` exactly ``wanted`` (within ``org_ids`` when given: a scan
    of part of the tree leaves the rest alone). Bulk reads and writes: a city-wide scan is a few
    queries, not one per item."""
    wanted = {n.key: n for n in wanted}
    current = InboxItem.objects.filter(source=source, done_at__isnull=True)
    if org_ids is not None:
        current = current.filter(org_id__in=list(org_ids))
    existing = {item.key: item for item in current}
    gone = [item.pk for key, item in existing.items() if key not in wanted]
    changed = []
    for key, notice in wanted.items():
        item = existing.get(key)
        if item is None:
            continue
        fields = notice.fields()
        if any(getattr(item, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(item, name, value)
            changed.append(item)
    # A key open under another source is left as it is rather than duplicated; a notice its reader
    # has acknowledged stays closed (a new finding comes under a new key).
    fresh = [k for k in wanted if k not in existing]
    taken = set(InboxItem.objects.filter(key__in=fresh).filter(Q(done_at__isnull=True) | Q(done_note=ACKNOWLEDGED))
                .values_list("key", flat=True))
    new = [InboxItem(source=source, key=key, **n.fields()) for key, n in wanted.items()
           if key not in existing and key not in taken]
    now = timezone.now()
    for start in range(0, len(gone), 1000):
        InboxItem.objects.filter(pk__in=gone[start:start + 1000]).update(done_at=now, done_note="情况已变化，自动办结")
    InboxItem.objects.bulk_update(changed, ["user_id", "org_id", "title", "body", "url", "due_on", "is_notice",
                                            "updated_at"] if changed else ["title"], batch_size=1000)
    InboxItem.objects.bulk_create(new, batch_size=1000)
    for item in new:
        mail.send_on_commit(item)
    return {"opened": len(new), "updated": len(changed), "closed": len(gone)}


def mark_read(*, acting_user, item: InboxItem) -> None:
    """Reading is not doing: the item stays open; it is only no longer new for this person."""
    check_actor(acting_user)
    if not addressed_to(acting_user).filter(pk=item.pk).exists():
        raise ActionDenied("该待办不是发给您的")
    InboxRead.objects.get_or_create(item=item, user=acting_user)


@transaction.atomic
def acknowledge(*, acting_user, item: InboxItem) -> InboxItem:
    """Close a notice (information only) once its reader has taken it in. Work items cannot be
    closed this way: they close when the work is done. Like reading (``mark_read``), this is the
    reader's own state, not a change to the records, so it writes no audit record — and so this
    module takes no part in the audit chain's lock order (docs/architecture.md)."""
    check_actor(acting_user)
    locked = InboxItem.objects.select_for_update().get(pk=item.pk)
    if not addressed_to(acting_user).filter(pk=locked.pk).exists():
        raise ActionDenied("该待办不是发给您的")
    if not locked.is_notice:
        raise ValidationError("这是一项待办工作，办理完成后自动办结，不能直接关闭")
    if locked.done_at is None:
        locked.done_at = timezone.now()
        locked.done_note = ACKNOWLEDGED
        locked.save(update_fields=["done_at", "done_note", "updated_at"])
    return locked
