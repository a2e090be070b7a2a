"""Writes of 通知公告. Publishing delivers the notice into the 待办 of each recipient organisation
(``inbox.sync`` in bulk: one source per notice); a receipt is given by an organisation's staff
and closes its 待办. Reading is never counted here."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from dangjian.core.actors import user_or_none
from dangjian.core.documents import inspect_document
from dangjian.core.history import audited_transaction, record_change
from dangjian.core.scoping import CHANGE, require
from dangjian.inbox import actions as inbox
from dangjian.orgs.choices import SUB_BRANCH_KINDS
from dangjian.orgs.models import Organization

from . import rules
from .choices import Audience
from .models import Notice, Recipient


def _source(notice: Notice) -> str:
    return f"notices:{notice.pk}"


def _key(notice: Notice, org_id: int) -> str:
    return f"notices:{notice.pk}:{org_id}"


@audited_transaction()
def notice_publish(*, acting_user, org, title: str, body: str, audience: str = Audience.CHILDREN,
                   receipt_required: bool = False, upload=None) -> Notice:
    require(acting_user, CHANGE, org, message="无权以该党组织的名义发布通知")
    title, body = (title or "").strip(), (body or "").strip()
    errors = rules.notice_errors(title, body, audience)
    if errors:
        raise ValidationError(errors)
    rows = (Organization.objects.filter(path__startswith=org.path).order_by("path")
            .values_list("pk", "path", "kind"))
    targets = rules.recipients(org.path, [(pk, path, kind not in SUB_BRANCH_KINDS) for pk, path, kind in rows],
                               audience)
    if not targets:
        raise ValidationError({"audience": "该党组织没有下级党组织，无需发布通知"})
    notice = Notice(org=org, title=title, body=body, audience=audience, receipt_required=receipt_required,
                    created_by=user_or_none(acting_user))
    if upload is not None:
        file_type, content = inspect_document(upload)
        notice.file_name = os.path.basename(getattr(upload, "name", "") or "file")[:200]
        notice.file_type = file_type
        notice.file.save(f"{org.pk}.{file_type}", ContentFile(content), save=False)
    notice.save()
    Recipient.objects.bulk_create([Recipient(notice=notice, org_id=pk) for pk in targets], batch_size=2000)
    url = reverse("notices:detail", args=[notice.pk])
    wanted = [inbox.Notice(key=_key(notice, pk), title=f"{'【需回执】' if receipt_required else ''}{title}",
                           org_id=pk, body=f"{org.name}发布", url=url, is_notice=not receipt_required)
              for pk in targets]
    inbox.sync(source=_source(notice), wanted=wanted)
    record_change(actor=acting_user, action="notice_publish", obj=notice,
                  after={"org": org.code, "title": title, "audience": audience, "receipt_required": receipt_required,
                         "recipients": len(targets), "file": notice.file_name})
    return notice


@audited_transaction()
def notice_confirm(*, acting_user, recipient: Recipient) -> Recipient:
    """The organisation's receipt: given once, by staff who may act for it; closes its 待办."""
    locked = Recipient.objects.select_for_update(of=("self",)).select_related("notice", "org").get(pk=recipient.pk)
    require(acting_user, CHANGE, locked.org, message="无权代表该党组织回执")
    if not locked.notice.receipt_required:
        raise ValidationError("该通知不需要回执")
    if locked.confirmed_at is not None:
        raise ValidationError("该党组织已回执")
    locked.confirmed_at = timezone.now()
    locked.confirmed_by = user_or_none(acting_user)
    locked.save(update_fields=["confirmed_at", "confirmed_by"])
    inbox.resolve(key=_key(locked.notice, locked.org_id), note="已回执")
    record_change(actor=acting_user, action="notice_confirm", obj=locked.notice,
                  after={"org": locked.org.code, "confirmed": True})
    return locked
