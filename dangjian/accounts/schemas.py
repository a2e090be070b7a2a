"""API shapes of the accounts app: an API token as its owner and the system administrator see it
(never the token itself, which is shown once when issued, nor its digest)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from dangjian.apikit import Page


class TokenOut(Schema):
    id: int
    user_id: int = Field(description="所有者的用户 id")
    username: str = Field(description="所有者的用户名")
    name: str = Field(description="令牌名称")
    status: str = Field(description="状态：有效、已过期或已吊销")
    created_at: dt.datetime = Field(description="创建时间")
    expires_at: dt.datetime | None = Field(description="过期时间")
    last_used_at: dt.datetime | None = Field(description="最近使用时间（精确到约 5 分钟）")
    revoked_at: dt.datetime | None = Field(description="吊销时间；未吊销为 null")
    revoke_reason: str = Field(description="吊销原因")

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.status(timezone.now())


class TokenPage(Page):
    items: list[TokenOut]
