from django.conf import settings
from django.db import models
from django.utils import timezone


class ChangeRecord(models.Model):
    """One change to one record: who, when, from where, what it was before and after.

    Written by the actions (never by signals) in the same transaction as the change itself, so a
    change without its record cannot exist. Masked values only: no plaintext ID or phone number.
    It is also the audit log: append-only (a trigger refuses UPDATE and DELETE on PostgreSQL) and
    hash-chained with SM3 (``core.audit``), so ``dangjian audit-verify`` finds an edited or removed row.
    """

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The log is never rewritten, not even when a user is deleted: no cascade, no SET NULL.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False,
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40)
    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.BigIntegerField("对象编号")
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", default=dict, blank=True)
    after = models.JSONField("变更后", default=dict, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    prev_hash = models.CharField("前一条摘要", max_length=64, blank=True, editable=False)
    hash = models.CharField("摘要(SM3)", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]
