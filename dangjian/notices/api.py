"""The 通知公告 API: the same queries and actions as the pages. A notice the user neither sent nor
received (in scope) is 404; publishing for an organisation without the right to change it is 403;
bad input 422 with Chinese messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from dangjian.apikit import WRITE_ERRORS, PageQuery, page_of, readable_or_404, responses
from dangjian.core.scoping import VIEW, path_in_scope
from dangjian.core.shortcuts import parse_id
from dangjian.orgs.models import Organization

from . import actions, queries
from .models import Notice
from .schemas import NoticeDetail, NoticeIn, NoticeOut, NoticePage, ReceiptIn

router = Router(tags=["通知公告"])


def _notices(request):
    return queries.with_receipts(queries.notices_for(request.user))


def _notice(request, pk: int) -> Notice:
    """Sent or received in scope (``notices_for``, not the sender's scope alone); otherwise 404."""
    found = _notices(request).filter(pk=parse_id(pk) or 0).first()
    if found is None:
        raise Http404("未找到，或不在您的管辖范围内")
    return found


@router.get("/", response=responses(NoticePage), summary="通知公告（发出的和收到的）")
def list_notices(request, page: Query[PageQuery]):
    return page_of(_notices(request).order_by("-published_at", "-id"), page)


@router.get("/{int:notice_id}", response=responses(NoticeDetail), summary="一条通知及回执情况")
def get_notice(request, notice_id: int):
    notice = _notice(request, notice_id)
    is_sender = path_in_scope(request.user, VIEW, notice.org.path)
    pending = [r for r in queries.my_recipients(request.user, notice) if r.confirmed_at is None]
    return {**NoticeOut.from_orm(notice).model_dump(),
            "recipients": list(notice.recipients.select_related("org")) if is_sender else [],
            "to_confirm": pending if notice.receipt_required else []}


@router.post("/", response=responses(NoticeOut, status=201, errors=WRITE_ERRORS), summary="发布通知")
def publish(request, payload: Form[NoticeIn], file: File[UploadedFile] = None):
    """发布后送达每个接收党组织的待办；附件按内容检查（PDF、图片、Word、Excel）。"""
    org = readable_or_404(Organization.objects.all(), request.user, payload.org)
    notice = actions.notice_publish(acting_user=request.user, org=org, title=payload.title, body=payload.body,
                                    audience=payload.audience, receipt_required=payload.receipt_required,
                                    upload=file)
    return Status(201, _notice(request, notice.pk))


@router.post("/{int:notice_id}/receipts", response=responses(NoticeDetail, errors=WRITE_ERRORS),
             summary="代表接收党组织回执")
def confirm(request, notice_id: int, payload: ReceiptIn):
    notice = _notice(request, notice_id)
    recipient = queries.my_recipients(request.user, notice).filter(org_id=payload.org).first()
    if recipient is None:
        raise ValidationError({"org": "该党组织不是本通知的接收单位，或您无权代表它回执"})
    actions.notice_confirm(acting_user=request.user, recipient=recipient)
    return get_notice(request, notice_id)
