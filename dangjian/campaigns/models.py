"""督查、观摩、评选: a campaign with its score sheet, its targets, the people granted access to it,
the findings on site (which become 三单 items), the judges' sheets, and for 评选 the applications,
objections, titles and their yearly review.

Scope of every row is the organising organisation's path (``campaign__org__path``); who else sees
what (the inspected, inspectors and judges from outside) is decided in ``queries``."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from .choices import (
    DEFAULT_ADVANCED_SHARE,
    DEFAULT_LAGGING_SHARE,
    DEFAULT_TRIM_MIN_JUDGES,
    ApplicationState,
    CampaignKind,
    CombineMethod,
    Role,
    Schedule,
    TargetMethod,
    TitleState,
)


class ScoreSheet(ScopedModel):
    """评分表 / 检查清单: the items a target is checked or scored on."""

    name = models.CharField("名称", max_length=200)
    org = models.ForeignKey("orgs.Organization", verbose_name="制定单位", related_name="+", on_delete=models.PROTECT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def max_total(self):
        return sum(i.max_score for i in self.items.all())


class SheetItem(ScopedModel):
    sheet = models.ForeignKey(ScoreSheet, verbose_name="评分表", related_name="items", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField("序号", default=1)
    title = models.CharField("检查项目", max_length=300)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=2)
    guidance = models.TextField("评分说明", blank=True)

    scope_path = "sheet__org__path"

    class Meta:
        verbose_name = "评分项目"
        verbose_name_plural = "评分项目"
        ordering = ["sheet", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Campaign(VersionedModel):
    kind = models.CharField("类型", max_length=20, choices=CampaignKind.choices)
    title = models.CharField("名称", max_length=200)
    org = models.ForeignKey("orgs.Organization", verbose_name="组织单位", related_name="campaigns",
                            on_delete=models.PROTECT)
    scope_org = models.ForeignKey("orgs.Organization", verbose_name="范围（含下级）", related_name="+",
                                  on_delete=models.PROTECT)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    schedule = models.CharField("周期", max_length=20, choices=Schedule.choices, blank=True, default="")
    sheet = models.ForeignKey(ScoreSheet, verbose_name="评分表", null=True, blank=True, related_name="campaigns",
                              on_delete=models.PROTECT)
    revisits = models.ForeignKey("self", verbose_name="回头看的督查", null=True, blank=True, related_name="+",
                                 on_delete=models.PROTECT)
    target_method = models.CharField("确定对象方式", max_length=20, choices=TargetMethod.choices, blank=True)
    target_kinds = models.JSONField("对象组织类型", default=list, blank=True)
    sample_size = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    sample_seed = models.BigIntegerField("随机种子", null=True, blank=True)
    sample_population = models.JSONField("抽样总体", default=list, blank=True)
    sample_fingerprint = models.CharField("抽取结果摘要", max_length=64, blank=True)
    combine_method = models.CharField("合成方法", max_length=20, choices=CombineMethod.choices,
                                      default=CombineMethod.TRIMMED)
    trim_min_judges = models.PositiveSmallIntegerField("去掉最高最低分的最少评委数", default=DEFAULT_TRIM_MIN_JUDGES)
    advanced_share = models.PositiveSmallIntegerField("先进比例（%）", default=DEFAULT_ADVANCED_SHARE)
    lagging_share = models.PositiveSmallIntegerField("落后比例（%）", default=DEFAULT_LAGGING_SHARE)
    requirements = models.TextField("整改要求", blank=True)
    # A 督查 of 党群服务中心/党员活动室: each visit is shown as the latest inspection of the target's 阵地.
    checks_centres = models.BooleanField("检查阵地", default=False)
    closed = models.BooleanField("已结束", default=False)
    document = models.ForeignKey("worklists.SourceDocument", verbose_name="问题清单来源", null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "督查观摩评选"
        verbose_name_plural = "督查观摩评选"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Target(ScopedModel):
    campaign = models.ForeignKey(Campaign, verbose_name="活动", related_name="targets", on_delete=models.CASCADE)
    org = models.ForeignKey("orgs.Organization", verbose_name="对象党组织", related_name="campaign_targets",
                            on_delete=models.PROTECT)
    stratum = models.CharField("抽样层", max_length=300, blank=True)
    draw_order = models.PositiveIntegerField("抽取顺序", default=0)
    visited_at = models.DateTimeField("到访时间", null=True, blank=True)

    scope_path = "campaign__org__path"

    class Meta:
        verbose_name = "对象"
        verbose_name_plural = "对象"
        ordering = ["campaign", "draw_order", "org__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="campaign_target_once")]

    def __str__(self) -> str:
        return str(self.org)


class Participant(ScopedModel):
    """A grant: an inspector or judge (who may sit outside the subtree) reads the campaign's targets
    during its period and writes their own findings and scores; nothing else."""

    campaign = models.ForeignKey(Campaign, verbose_name="活动", related_name="participants", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="人员", related_name="campaign_grants",
                             on_delete=models.CASCADE)
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    home_org = models.ForeignKey("orgs.Organization", verbose_name="所在党组织", null=True, blank=True,
                                 related_name="+", on_delete=models.SET_NULL)
    revoked = models.BooleanField("已撤销", default=False)
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    scope_path = "campaign__org__path"

    class Meta:
        verbose_name = "督查人员和评委"
        verbose_name_plural = "督查人员和评委"
        ordering = ["campaign", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user", "role"], name="campaign_grant_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"


class Finding(VersionedModel):
    campaign = models.ForeignKey(Campaign, verbose_name="活动", related_name="findings", on_delete=models.CASCADE)
    target = models.ForeignKey(Target, verbose_name="对象", related_name="findings", on_delete=models.CASCADE)
    sheet_item = models.ForeignKey(SheetItem, verbose_name="检查项目", null=True, blank=True, related_name="+",
                                   on_delete=models.PROTECT)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    text = models.TextField("发现情况", blank=True)
    is_problem = models.BooleanField("存在问题", default=False)
    deadline = models.DateField("整改时限", null=True, blank=True)
    item = models.ForeignKey("worklists.WorkItem", verbose_name="问题清单事项", null=True, blank=True,
                             related_name="+", on_delete=models.SET_NULL)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督查人员", null=True, blank=True,
                                  related_name="+", on_delete=models.SET_NULL)
    inspector_name = models.CharField("督查人员姓名", max_length=150, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope_path = "campaign__org__path"

    class Meta:
        verbose_name = "督查发现"
        verbose_name_plural = "督查发现"
        ordering = ["campaign", "target__org__path", "sheet_item__position", "id"]
        indexes = [models.Index(fields=["campaign", "target"], name="cp_finding_campaign_target")]

    def __str__(self) -> str:
        return self.text[:50]


class FindingPhoto(ScopedModel):
    finding = models.ForeignKey(Finding, verbose_name="发现", related_name="photos", on_delete=models.CASCADE)
    file = models.FileField("照片", upload_to="campaigns/photos/%Y/%m/")
    file_name = models.CharField("原文件名", max_length=255, blank=True)
    file_type = models.CharField("文件类型", max_length=10)
    file_size = models.PositiveIntegerField("文件大小", default=0)

    scope_path = "finding__campaign__org__path"

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["finding", "id"]


class JudgeScore(ScopedModel):
    """One judge's score of one target on one sheet item: the judges' sheets are independent."""

    campaign = models.ForeignKey(Campaign, verbose_name="活动", related_name="scores", on_delete=models.CASCADE)
    target = models.ForeignKey(Target, verbose_name="对象", related_name="scores", on_delete=models.CASCADE)
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评委", related_name="+",
                              on_delete=models.PROTECT)
    sheet_item = models.ForeignKey(SheetItem, verbose_name="评分项目", related_name="+", on_delete=models.PROTECT)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    at = models.DateTimeField("评分时间", auto_now=True)

    scope_path = "campaign__org__path"

    class Meta:
        verbose_name = "评委评分"
        verbose_name_plural = "评委评分"
        constraints = [models.UniqueConstraint(fields=["target", "judge", "sheet_item"], name="campaign_score_once")]


class Application(VersionedModel):
    """评选的申报: 申报 → 初审 → 评审打分 → 公示 → 命名."""

    campaign = models.ForeignKey(Campaign, verbose_name="评选", related_name="applications", on_delete=models.CASCADE)
    target = models.OneToOneField(Target, verbose_name="对象", related_name="application", on_delete=models.CASCADE)
    org = models.ForeignKey("orgs.Organization", verbose_name="申报单位", related_name="+", on_delete=models.PROTECT)
    name = models.CharField("品牌/示范点名称", max_length=200)
    description = models.TextField("申报材料（事迹）")
    state = models.CharField("状态", max_length=20, choices=ApplicationState.choices,
                             default=ApplicationState.SUBMITTED)
    screening_note = models.TextField("初审意见", blank=True)
    publicity_starts_on = models.DateField("公示开始", null=True, blank=True)
    publicity_ends_on = models.DateField("公示结束", null=True, blank=True)
    created_at = models.DateTimeField("申报时间", auto_now_add=True)

    scope_path = "campaign__org__path"

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return self.name


class ApplicationFile(ScopedModel):
    application = models.ForeignKey(Application, verbose_name="申报", related_name="files", on_delete=models.CASCADE)
    file = models.FileField("材料", upload_to="campaigns/materials/%Y/%m/")
    file_name = models.CharField("原文件名", max_length=255)
    file_type = models.CharField("文件类型", max_length=10)
    file_size = models.PositiveIntegerField("文件大小", default=0)

    scope_path = "application__campaign__org__path"

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"


class Objection(ScopedModel):
    application = models.ForeignKey(Application, verbose_name="申报", related_name="objections",
                                    on_delete=models.CASCADE)
    text = models.TextField("异议内容")
    raised_by = models.CharField("反映人", max_length=100, blank=True)
    received_on = models.DateField("收到日期")
    answer = models.TextField("答复", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)

    scope_path = "application__campaign__org__path"

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["application", "received_on", "id"]


class Title(ScopedModel):
    """命名: the certificate record of a title an organisation holds, kept or withdrawn (摘牌) by the
    yearly review. Scoped by the holder's path so the organisation's own page shows it."""

    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", related_name="campaign_titles",
                            on_delete=models.PROTECT)
    campaign = models.ForeignKey(Campaign, verbose_name="评选", related_name="titles", on_delete=models.PROTECT)
    application = models.OneToOneField(Application, verbose_name="申报", related_name="title",
                                       on_delete=models.PROTECT)
    name = models.CharField("称号", max_length=200)
    certificate_no = models.CharField("证书编号", max_length=50, unique=True)
    named_on = models.DateField("命名日期")
    state = models.CharField("状态", max_length=20, choices=TitleState.choices, default=TitleState.ACTIVE)
    withdrawn_on = models.DateField("摘牌日期", null=True, blank=True)

    class Meta:
        verbose_name = "命名称号"
        verbose_name_plural = "命名称号"
        ordering = ["-named_on", "-id"]

    def __str__(self) -> str:
        return self.name


class TitleReview(ScopedModel):
    title = models.ForeignKey(Title, verbose_name="称号", related_name="reviews", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("年度")
    kept = models.BooleanField("保留")
    note = models.TextField("复评意见", blank=True)
    reviewed_on = models.DateField("复评日期")

    scope_path = "title__org__path"

    class Meta:
        verbose_name = "复评"
        verbose_name_plural = "复评"
        ordering = ["title", "year"]
        constraints = [models.UniqueConstraint(fields=["title", "year"], name="campaign_title_review_once")]
