"""三单制: problem, task and responsibility items worked to 销号, with their measures, evidence,
progress timeline and the record of every step.

Scope is the primary responsible organisation's path (``org``); the other responsible
organisations (``orgs``) are listed on the item but do not widen who may see it."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from .choices import DEFAULT_REVIEW_DAYS, EventKind, Kind, Priority, Recurrence, Source, State


class SourceDocument(ScopedModel):
    """The document an item came from: a speech, a feedback letter, a work plan."""

    title = models.CharField("标题", max_length=300)
    text = models.TextField("正文", blank=True)
    file_name = models.CharField("上传文件名", max_length=255, blank=True)
    org = models.ForeignKey("orgs.Organization", verbose_name="所属党组织", related_name="+",
                            on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "来源文件"
        verbose_name_plural = "来源文件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class WorkItem(VersionedModel):
    """One line of a 问题清单 / 任务清单 / 责任清单. Overdue is computed from ``deadline``, never stored."""

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.OTHER)
    document = models.ForeignKey(SourceDocument, verbose_name="来源文件", null=True, blank=True,
                                 related_name="items", on_delete=models.SET_NULL)
    title = models.CharField("事项", max_length=300)
    description = models.TextField("具体内容", blank=True)
    symptoms = models.TextField("问题表现", blank=True)
    causes = models.TextField("原因分析", blank=True)
    org = models.ForeignKey("orgs.Organization", verbose_name="牵头责任单位", related_name="worklist_items",
                            on_delete=models.PROTECT)
    orgs = models.ManyToManyField("orgs.Organization", verbose_name="责任单位", related_name="shared_worklist_items",
                                  blank=True)
    persons = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="责任人（用户）", blank=True,
                                     related_name="worklist_items")
    person_names = models.CharField("责任人", max_length=300, blank=True)
    co_owners = models.CharField("协同责任单位/人", max_length=300, blank=True)
    leader = models.CharField("分管领导", max_length=100, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    recurrence = models.CharField("周期", max_length=20, choices=Recurrence.choices, blank=True, default="")
    priority = models.PositiveSmallIntegerField("优先级", choices=Priority.choices, default=Priority.NORMAL)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    progress_note = models.TextField("最新进展", blank=True)
    review_interval_days = models.PositiveIntegerField("回头看间隔（天）", default=DEFAULT_REVIEW_DAYS)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    review_due_on = models.DateField("回头看日期", null=True, blank=True)
    reviewed_on = models.DateField("回头看完成日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["org", "state"], name="wl_item_org_state"),
            models.Index(fields=["state", "deadline"], name="wl_item_state_deadline"),
            models.Index(fields=["state", "review_due_on"], name="wl_item_state_review"),
            models.Index(fields=["deadline", "id"], name="wl_item_deadline_id"),
        ]

    def __str__(self) -> str:
        return self.title


class Measure(ScopedModel):
    """整改措施: one of the steps an item is worked through."""

    item = models.ForeignKey(WorkItem, verbose_name="事项", related_name="measures", on_delete=models.CASCADE)
    text = models.TextField("整改措施")
    position = models.PositiveSmallIntegerField("序号", default=1)
    done = models.BooleanField("已完成", default=False)

    scope_path = "item__org__path"

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["item", "position", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Evidence(ScopedModel):
    """佐证材料 for 销号: a short text, a file, or both. Files are checked by their content."""

    item = models.ForeignKey(WorkItem, verbose_name="事项", related_name="evidence", on_delete=models.CASCADE)
    text = models.TextField("说明", blank=True)
    file = models.FileField("文件", upload_to="worklists/evidence/%Y/%m/", blank=True)
    file_name = models.CharField("原文件名", max_length=255, blank=True)
    file_type = models.CharField("文件类型", max_length=10, blank=True)
    file_size = models.PositiveIntegerField("文件大小", default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope_path = "item__org__path"

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return self.file_name or self.text[:50]


class ProgressUpdate(ScopedModel):
    """One entry of an item's progress timeline."""

    item = models.ForeignKey(WorkItem, verbose_name="事项", related_name="progress", on_delete=models.CASCADE)
    text = models.TextField("进展情况")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", null=True, blank=True,
                               related_name="+", on_delete=models.SET_NULL)
    author_name = models.CharField("报告人姓名", max_length=150, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    scope_path = "item__org__path"

    class Meta:
        verbose_name = "进展"
        verbose_name_plural = "进展"
        ordering = ["item", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:50]


class Step(ScopedModel):
    """Every step of an item's life: who, when, what, from which state to which, and why."""

    item = models.ForeignKey(WorkItem, verbose_name="事项", related_name="steps", on_delete=models.CASCADE)
    kind = models.CharField("操作", max_length=20, choices=EventKind.choices)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              related_name="+", on_delete=models.SET_NULL)
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    actor_org = models.CharField("操作人岗位", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    scope_path = "item__org__path"

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_kind_display()}"
