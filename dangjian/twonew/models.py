"""两新组织 registry, its 动态排查 rounds, and 阵地 (党群服务中心、党员活动室).

Scope: an entry belongs to the organisation responsible for it where it stands (属地, usually a
township's 党委 or a 两新工委); the party organisation that covers it (``covering_org``) may sit
elsewhere in the tree and does not widen who sees the entry."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from .choices import CentreKind, Coverage, EntityKind


class Field(models.Model):
    """A field of the registry ("1+4" and others). A plain list every county shares and edits."""

    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("领域", max_length=50, unique=True)
    position = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "两新领域"
        verbose_name_plural = "两新领域"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Entity(VersionedModel):
    """One non-public enterprise or social organisation."""

    org = models.ForeignKey("orgs.Organization", verbose_name="属地党组织", related_name="twonew_entities",
                            on_delete=models.PROTECT)
    name = models.CharField("名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    kind = models.CharField("类型", max_length=20, choices=EntityKind.choices)
    field = models.ForeignKey(Field, verbose_name="领域", related_name="+", on_delete=models.PROTECT)
    employees = models.PositiveIntegerField("从业人数", default=0)
    address = models.CharField("地址", max_length=300, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    party_members = models.PositiveIntegerField("党员人数", default=0)
    coverage = models.CharField("覆盖方式", max_length=20, choices=Coverage.choices, default=Coverage.NONE)
    covering_org = models.ForeignKey("orgs.Organization", verbose_name="所建党组织", null=True, blank=True,
                                     related_name="covered_entities", on_delete=models.SET_NULL)
    instructor = models.ForeignKey("members.Member", verbose_name="党建指导员（党员）", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    instructor_name = models.CharField("党建指导员", max_length=50, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "两新组织"
        verbose_name_plural = "两新组织"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["org", "coverage"], name="twonew_entity_org_cov")]

    def __str__(self) -> str:
        return self.name


class Round(ScopedModel):
    """动态排查: every entry in the organisation's subtree is confirmed or updated before ``due_on``."""

    org = models.ForeignKey("orgs.Organization", verbose_name="组织单位", related_name="+", on_delete=models.PROTECT)
    title = models.CharField("名称", max_length=200)
    starts_on = models.DateField("开始日期")
    due_on = models.DateField("截止日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "动态排查"
        verbose_name_plural = "动态排查"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Check(ScopedModel):
    """One entry confirmed (or updated) in a round."""

    round = models.ForeignKey(Round, verbose_name="排查", related_name="checks", on_delete=models.CASCADE)
    entity = models.ForeignKey(Entity, verbose_name="两新组织", related_name="checks", on_delete=models.CASCADE)
    changed = models.BooleanField("信息有更新", default=False)
    note = models.CharField("说明", max_length=300, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    checked_at = models.DateTimeField("核实时间", auto_now_add=True)

    scope_path = "entity__org__path"

    class Meta:
        verbose_name = "排查核实"
        verbose_name_plural = "排查核实"
        constraints = [models.UniqueConstraint(fields=["round", "entity"], name="twonew_check_once")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.entity_id}"


class Standard(models.Model):
    """One item of the checklist a 阵地 is held to ("六有"); the county edits the list."""

    name = models.CharField("标准", max_length=50, unique=True)
    position = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "阵地标准"
        verbose_name_plural = "阵地标准"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Centre(VersionedModel):
    """A 党群服务中心 or 党员活动室 of an organisation, with the standards it meets."""

    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", related_name="centres",
                            on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=20, choices=CentreKind.choices)
    name = models.CharField("名称", max_length=200)
    address = models.CharField("地址", max_length=300, blank=True)
    area = models.PositiveIntegerField("面积（平方米）", default=0)
    standards = models.ManyToManyField(Standard, verbose_name="已达标准", blank=True, related_name="+")
    inspected_on = models.DateField("最近检查日期", null=True, blank=True)
    inspection_note = models.CharField("检查结果", max_length=300, blank=True)

    class Meta:
        verbose_name = "阵地"
        verbose_name_plural = "阵地"
        ordering = ["org__path", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class CentrePhoto(ScopedModel):
    """A photo of a 阵地 (the sign, the room, the 六有 items), kept so an inspection or a level above sees
    the place without visiting; JPEG or PNG by content, served only inside the centre's scope."""

    centre = models.ForeignKey(Centre, verbose_name="阵地", related_name="photos", on_delete=models.CASCADE)
    file = models.FileField("照片", upload_to="twonew/centres/%Y/%m/")
    file_name = models.CharField("原文件名", max_length=200, blank=True)
    file_type = models.CharField("文件类型", max_length=10)
    file_size = models.PositiveIntegerField("文件大小", default=0)
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope_path = "centre__org__path"

    class Meta:
        verbose_name = "阵地照片"
        verbose_name_plural = "阵地照片"
        ordering = ["centre", "id"]

    def __str__(self) -> str:
        return self.caption or self.file_name
