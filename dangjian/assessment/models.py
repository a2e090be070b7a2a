"""考核方案 (``Scheme`` with its ``Indicator`` rows), one ``Grade`` per assessed organisation and
year (the 分类定级 record and its flow), the ``Score`` of each indicator, objections raised during the
公示, recorded amendments after it, and the 后进/软弱涣散 ``Candidate`` rows.

A scheme is set by the level above (``org``) for the organisations of the given kinds below it;
it is scoped by that organisation's path. A grade is scoped by the assessed organisation's path."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from . import rules
from .choices import BandPreset, CandidateState, Method, SchemeState, Stage


def _default_bands():
    return [list(b) for b in rules.BAND_PRESETS[BandPreset.FOUR]]


def _default_backward():
    return dict(rules.DEFAULT_BACKWARD)


class Scheme(VersionedModel):
    name = models.CharField("方案名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    org = models.ForeignKey("orgs.Organization", verbose_name="制定单位", related_name="+", on_delete=models.PROTECT)
    org_kinds = models.JSONField("适用组织类型", default=list)
    bands = models.JSONField("等次及分数下限", default=_default_bands)
    gate_percent = models.PositiveSmallIntegerField("满意度门槛（%）", null=True, blank=True,
                                                    default=rules.DEFAULT_GATE_PERCENT)
    gate_blocks = models.PositiveSmallIntegerField("门槛限制的前几档", default=rules.DEFAULT_GATE_BLOCKS)
    top_share = models.PositiveSmallIntegerField("最高档比例上限（%）", null=True, blank=True,
                                                 default=rules.DEFAULT_TOP_SHARE)
    backward = models.JSONField("后进/软弱涣散自动提示规则", default=_default_backward)
    state = models.CharField("状态", max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    computed_at = models.DateTimeField("最近计算时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year", "org__path", "id"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"

    @property
    def band_names(self) -> list[str]:
        return [str(b[0]) for b in self.bands]


class Indicator(ScopedModel):
    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", related_name="indicators", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField("序号", default=1)
    group = models.CharField("指标类别", max_length=50)
    name = models.CharField("指标", max_length=100)
    method = models.CharField("评分方式", max_length=10, choices=Method.choices)
    code = models.CharField("计算规则", max_length=30, blank=True)
    weight = models.DecimalField("权重（分值）", max_digits=5, decimal_places=2)
    deduct = models.DecimalField("每项扣分", max_digits=5, decimal_places=2, default=0)
    note = models.CharField("评分说明", max_length=300, blank=True)

    scope_path = "scheme__org__path"

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["scheme", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Grade(VersionedModel):
    """分类定级: one organisation, one scheme (one year)."""

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", related_name="grades", on_delete=models.PROTECT)
    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", related_name="+", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    stage = models.CharField("环节", max_length=10, choices=Stage.choices, default=Stage.SELF)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    suggested = models.CharField("按分数应评等次", max_length=20, blank=True)
    grade = models.CharField("评定等次", max_length=20, blank=True)
    self_summary = models.TextField("自评情况", blank=True)
    satisfied = models.PositiveIntegerField("满意票", default=0)
    basic = models.PositiveIntegerField("基本满意票", default=0)
    unsatisfied = models.PositiveIntegerField("不满意票", default=0)
    rating_note = models.TextField("评定意见", blank=True)
    publicity_start = models.DateField("公示开始", null=True, blank=True)
    reported_on = models.DateField("上报日期", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)

    class Meta:
        verbose_name = "分类定级"
        verbose_name_plural = "分类定级"
        ordering = ["scheme", "org__path"]
        constraints = [models.UniqueConstraint(fields=["scheme", "org"], name="assessment_one_grade_per_scheme")]
        indexes = [models.Index(fields=["year", "org"], name="assessment_grade_year_org")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年分类定级"

    @property
    def satisfaction(self):
        return rules.satisfaction(self.satisfied, self.basic, self.unsatisfied)


class Score(ScopedModel):
    grade = models.ForeignKey(Grade, verbose_name="分类定级", related_name="scores", on_delete=models.CASCADE)
    indicator = models.ForeignKey(Indicator, verbose_name="指标", related_name="scores", on_delete=models.PROTECT)
    value = models.DecimalField("计算值", max_digits=8, decimal_places=2, null=True, blank=True)
    points = models.DecimalField("得分", max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.CharField("计算依据", max_length=300, blank=True)
    claim = models.TextField("自评说明及佐证", blank=True)
    claim_points = models.DecimalField("自评分", max_digits=5, decimal_places=2, null=True, blank=True)
    evidence_file = models.FileField("佐证文件", upload_to="assessment/evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField("佐证文件名", max_length=255, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评分人", null=True, blank=True,
                                  related_name="+", on_delete=models.SET_NULL)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    scope_path = "grade__org__path"

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["grade", "indicator__position", "indicator_id"]
        constraints = [models.UniqueConstraint(fields=["grade", "indicator"], name="assessment_one_score")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.points}"


class Objection(ScopedModel):
    """公示期间收到的异议."""

    grade = models.ForeignKey(Grade, verbose_name="分类定级", related_name="objections", on_delete=models.CASCADE)
    text = models.TextField("异议内容")
    raised_by = models.CharField("提出人", max_length=100, blank=True)
    received_on = models.DateField("收到日期")
    response = models.TextField("核实处理情况", blank=True)

    scope_path = "grade__org__path"

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["grade", "received_on", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Amendment(ScopedModel):
    """A correction to a published result: the frozen value is not rewritten silently."""

    grade = models.ForeignKey(Grade, verbose_name="分类定级", related_name="amendments", on_delete=models.CASCADE)
    indicator = models.ForeignKey(Indicator, verbose_name="指标", null=True, blank=True, related_name="+",
                                  on_delete=models.PROTECT)
    before = models.CharField("更正前", max_length=50)
    after = models.CharField("更正后", max_length=50)
    reason = models.TextField("更正原因")
    made_by = models.CharField("更正人", max_length=150)
    made_at = models.DateTimeField("更正时间", auto_now_add=True)

    scope_path = "grade__org__path"

    class Meta:
        verbose_name = "更正记录"
        verbose_name_plural = "更正记录"
        ordering = ["grade", "made_at", "id"]

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


class Candidate(VersionedModel):
    """后进/软弱涣散 candidate, found by the rules; confirmed, it is under 整顿 until its 三单 item's 销号."""

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", related_name="candidates", on_delete=models.PROTECT)
    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", related_name="+", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    reasons = models.JSONField("原因", default=list)
    state = models.CharField("状态", max_length=10, choices=CandidateState.choices, default=CandidateState.OPEN)
    item = models.ForeignKey("worklists.WorkItem", verbose_name="整顿事项", null=True, blank=True, related_name="+",
                             on_delete=models.PROTECT)
    deadline = models.DateField("整顿期限", null=True, blank=True)
    decided_note = models.TextField("认定意见", blank=True)
    lifted_on = models.DateField("摘帽日期", null=True, blank=True)

    class Meta:
        verbose_name = "后进/软弱涣散党组织"
        verbose_name_plural = "后进/软弱涣散党组织"
        ordering = ["scheme", "org__path"]
        constraints = [models.UniqueConstraint(fields=["scheme", "org"], name="assessment_one_candidate")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年后进/软弱涣散"
