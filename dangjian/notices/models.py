"""通知公告: a notice from one level to the organisations below it, delivered into their 待办.

A receipt, when asked for, is given by an organisation (its staff confirm once for it), never by
counting members' clicks or reading time."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel

from .choices import Audience


class Notice(ScopedModel):
    org = models.ForeignKey("orgs.Organization", verbose_name="发布单位", related_name="+", on_delete=models.PROTECT)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    audience = models.CharField("发送范围", max_length=20, choices=Audience.choices, default=Audience.CHILDREN)
    receipt_required = models.BooleanField("需要回执", default=False)
    file = models.FileField("附件", upload_to="notices/%Y/%m/", blank=True)
    file_name = models.CharField("附件名", max_length=255, blank=True)
    file_type = models.CharField("附件类型", max_length=10, blank=True)
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Recipient(ScopedModel):
    """An organisation the notice went to, and its receipt (when one is asked for)."""

    notice = models.ForeignKey(Notice, verbose_name="通知", related_name="recipients", on_delete=models.CASCADE)
    org = models.ForeignKey("orgs.Organization", verbose_name="接收党组织", related_name="+",
                            on_delete=models.CASCADE)
    confirmed_at = models.DateTimeField("回执时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回执人", null=True, blank=True,
                                     related_name="+", on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "接收单位"
        verbose_name_plural = "接收单位"
        ordering = ["org__path"]
        constraints = [models.UniqueConstraint(fields=["notice", "org"], name="notices_recipient_once")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.org_id}"
