from django.conf import settings
from django.db import models
from django.utils import timezone

from .scoping import ScopedQuerySet


class ScopedModel(models.Model):
    """A row read only through ``restrict``: the scoped manager, and ``scope_path`` naming the
    organisation path the row is scoped by (``"org__path"`` unless the model says otherwise)."""

    objects = ScopedQuerySet.as_manager()
    scope_path = "org__path"

    class Meta:
        abstract = True


class VersionedModel(ScopedModel):
    """A scoped row people edit: ``version`` is what the edit was based on (a stale one is a
    visible conflict, never a silent overwrite; the actions bump it) and ``updated_at`` when it last
    changed."""

    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class ChangeRecord(models.Model):
    """One change to one record: who, when, from where, what it was before and after.

    Written by the actions (never by signals) in the same transaction as the change itself, so a
    change without its record cannot exist. Masked values only: no plaintext ID or phone number.
    It is also the audit log: append-only (a trigger refuses UPDATE and DELETE on PostgreSQL, save
    the archive's DELETE of rows older than 180 days, ``core.archive``) and hash-chained with SM3
    (``core.audit``), so ``dangjian audit-verify`` finds an edited or removed row.
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
    # The id the client sent (X-Request-ID), kept beside the server's own; hashed only when present,
    # so records written before it existed keep their hashes.
    client_request_id = models.CharField("客户端请求编号", max_length=64, blank=True)
    prev_hash = models.CharField("前一条摘要", max_length=64, blank=True, editable=False)
    hash = models.CharField("摘要(SM3)", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        from .labels import action_label

        return action_label(self.action)

    @property
    def object_type_label(self) -> str:
        from .labels import object_type_label

        return object_type_label(self.object_type)

    def labelled_changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) in the Chinese a person reads (core/labels.py)."""
        from .labels import labelled_changes

        return labelled_changes(self.object_type, self.before, self.after)

    def changed_fields(self) -> list[tuple[str, object, object]]:
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]


class AuditHead(models.Model):
    """The end of the audit chain (one row): the chain's length since the genesis record, the last
    record's id and hash, and their seal (HMAC-SM3 under a key derived from the data key), moved in
    the same transaction as every append. ``verify`` compares the chain's end with it, so removing
    the newest records is found too (a removed middle record already breaks its successor's link);
    a trigger lets it move only forward, onto a record that exists (core migration 0004)."""

    last_id = models.BigIntegerField("最后一条记录编号", default=0)
    hash = models.CharField("最后一条摘要", max_length=64)
    length = models.BigIntegerField("记录总数（含已归档）", default=0)
    signature = models.CharField("签名(HMAC-SM3)", max_length=64, blank=True)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.last_id} {self.hash[:12]}"


class AuditAnchor(models.Model):
    """One archive of old audit records (``dangjian audit-archive``): the rows it holds and the chain
    hash at its end, from which ``verify`` continues with the records still in the table."""

    archived_at = models.DateTimeField("归档时间", default=timezone.now)
    first_id = models.BigIntegerField("首条记录编号")
    last_id = models.BigIntegerField("末条记录编号", unique=True)
    row_count = models.IntegerField("记录数")
    start_hash = models.CharField("起始前序摘要", max_length=64)
    end_hash = models.CharField("末条摘要", max_length=64)
    file_name = models.CharField("归档文件", max_length=200)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64)

    class Meta:
        verbose_name = "审计归档"
        verbose_name_plural = "审计归档"
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.first_id}–{self.last_id})"


class CalendarDay(models.Model):
    """A day whose status differs from the weekday rule (Monday–Friday work): a public holiday on a
    weekday (``is_working`` False) or a make-up working day on a weekend (True), as the State
    Council's yearly notice sets them. Read through ``core.calendar.work_calendar``; see
    ``core.workdays`` for the counting rules."""

    day = models.DateField("日期", unique=True)
    is_working = models.BooleanField("上班", default=False)
    name = models.CharField("名称", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'调休上班' if self.is_working else '放假'} {self.name}"
