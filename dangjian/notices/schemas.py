"""Shapes of the 通知公告 API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from dangjian.apikit import DbId, InputSchema, OrgRef, Page, choices_doc

from .choices import Audience

AUDIENCE_DOC = choices_doc("发送范围", Audience.choices)


class NoticeIn(InputSchema):
    """发布通知（表单格式 multipart/form-data，可另附一个附件 `file`）。"""

    org: DbId = Field(description="发布单位（党组织 id，须有修改权限）")
    title: str = Field(max_length=200, description="标题")
    body: str = Field(description="正文")
    audience: Audience = Field(Audience.CHILDREN, description=AUDIENCE_DOC)
    receipt_required: bool = Field(False, description="是否需要各接收党组织回执")


class NoticeOut(Schema):
    id: int
    org: OrgRef = Field(description="发布单位")
    title: str
    body: str
    audience: str = Field(description=AUDIENCE_DOC)
    receipt_required: bool
    file_name: str = Field(description="附件名；没有附件时为空")
    published_at: dt.datetime
    n_recipients: int = Field(description="接收党组织数")
    n_confirmed: int = Field(description="已回执的党组织数")


class NoticePage(Page):
    items: list[NoticeOut]


class RecipientOut(Schema):
    id: int
    org: OrgRef
    confirmed_at: dt.datetime | None = Field(description="回执时间；未回执为 null")


class NoticeDetail(NoticeOut):
    recipients: list[RecipientOut] = Field(description="接收单位及回执（仅发布方可见，接收方为空列表）")
    to_confirm: list[RecipientOut] = Field(description="您可以代表回执、尚未回执的接收单位")


class ReceiptIn(InputSchema):
    org: DbId = Field(description="代表回执的接收党组织 id")
