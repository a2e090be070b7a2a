"""待办: one inbox per person. An item is addressed to one person (``user``) or to the staff of one
organisation (``org``: whoever holds a working position there), stored and indexed so the count
shown on every page is one small query. An item is open until the work behind it is done —
the module that owns the work resolves it by its ``key`` — never merely because it was opened.
Notices (a decision's result, a check to look at) are information: their reader closes them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

OPEN = Q(done_at__isnull=True)


class InboxItem(models.Model):
    source = models.CharField("来源", max_length=40)
    key = models.CharField("标识", max_length=120)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                             related_name="inbox_items", on_delete=models.CASCADE)
    org = models.ForeignKey("orgs.Organization", verbose_name="接收党组织", null=True, blank=True,
                            related_name="inbox_items", on_delete=models.CASCADE)
    title = models.CharField("事项", max_length=300)
    body = models.TextField("说明", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    due_on = models.DateField("期限", null=True, blank=True)
    is_notice = models.BooleanField("仅为通知", default=False)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    done_note = models.CharField("办结说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "待办事项"
        verbose_name_plural = "待办事项"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=OPEN, name="inbox_one_open_per_key"),
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(org__isnull=False), name="inbox_addressed"),
        ]
        indexes = [
            models.Index(fields=["user"], condition=OPEN, name="inbox_open_by_user"),
            models.Index(fields=["org"], condition=OPEN, name="inbox_open_by_org"),
            models.Index(fields=["source"], condition=OPEN, name="inbox_open_by_source"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class InboxRead(models.Model):
    """That ``user`` has read ``item``: kept per person, since an item to an organisation's staff
    is read by each of them separately."""

    item = models.ForeignKey(InboxItem, verbose_name="待办事项", related_name="reads", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="阅读人", related_name="+",
                             on_delete=models.CASCADE)
    read_at = models.DateTimeField("阅读时间", auto_now_add=True)

    class Meta:
        verbose_name = "已读记录"
        verbose_name_plural = "已读记录"
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="inbox_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.item_id}"
