"""述职评议 (``ReportRound``, ``ReportEntry``, ``ReportProblem``), 民主评议党员 (``Appraisal``,
``AppraisalMember``, ``DisposalRecord``) and 党员积分 (``PointsRule``, ``PointsEntry``, a ledger: the
total is always computed from the entries, never stored)."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel

from . import rules
from .choices import AppealOutcome, Disposal, EntryOrigin, EntryState, Exclusion, Grade, PointsCategory, Rating, Stage

# -- 书记抓基层党建述职评议 ---------------------------------------------------------------------------


class ReportRound(VersionedModel):
    """One year's 述职评议 organised by ``org`` for the secretaries of the organisations under it."""

    org = models.ForeignKey("orgs.Organization", verbose_name="组织单位", related_name="+",
                            on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    good_share = models.PositiveSmallIntegerField("“好”票比例（%）", default=rules.DEFAULT_GOOD_SHARE)
    fair_share = models.PositiveSmallIntegerField("“好”和“较好”合计比例（%）", default=rules.DEFAULT_FAIR_SHARE)
    poor_share = models.PositiveSmallIntegerField("“差”票比例（%）", default=rules.DEFAULT_POOR_SHARE)
    voting = models.BooleanField("账号投票进行中", default=False)
    voters = models.PositiveIntegerField("账号投票人数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "述职评议"
        verbose_name_plural = "述职评议"
        ordering = ["-year", "org__path", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="appraisal_one_round_per_year")]

    def __str__(self) -> str:
        return self.title


class ReportEntry(VersionedModel):
    """One secretary's 述职 in a round: the report, the tallies of the 评议, the result."""

    round = models.ForeignKey(ReportRound, verbose_name="述职评议", related_name="entries", on_delete=models.CASCADE)
    org = models.ForeignKey("orgs.Organization", verbose_name="党组织", related_name="+", on_delete=models.PROTECT)
    member = models.ForeignKey("members.Member", verbose_name="书记", null=True, blank=True, related_name="+",
                               on_delete=models.SET_NULL)
    secretary_name = models.CharField("书记姓名", max_length=50, blank=True)
    report_file = models.FileField("述职报告", upload_to="appraisal/reports/%Y/", blank=True)
    report_name = models.CharField("报告文件名", max_length=255, blank=True)
    report_type = models.CharField("报告文件类型", max_length=10, blank=True)
    good = models.PositiveIntegerField("好", default=0)
    fairly_good = models.PositiveIntegerField("较好", default=0)
    average = models.PositiveIntegerField("一般", default=0)
    poor = models.PositiveIntegerField("差", default=0)
    # votes cast by accounts (RoundBallot), kept apart from the tallies entered so entering paper
    # tallies never overwrites them; the result counts both
    voted_good = models.PositiveIntegerField("好（账号投票）", default=0)
    voted_fairly_good = models.PositiveIntegerField("较好（账号投票）", default=0)
    voted_average = models.PositiveIntegerField("一般（账号投票）", default=0)
    voted_poor = models.PositiveIntegerField("差（账号投票）", default=0)
    result = models.CharField("评议结果", max_length=20, choices=Rating.choices, blank=True)
    result_reason = models.CharField("结果依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "书记述职"
        verbose_name_plural = "书记述职"
        ordering = ["round", "org__path", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="appraisal_one_entry_per_org")]

    def __str__(self) -> str:
        return f"{self.org} {self.secretary_name or '书记空缺'}"

    @property
    def entered(self) -> dict[str, int]:
        """The tallies entered by the organising level (paper ballots, a show of hands)."""
        return {r: getattr(self, r) for r in Rating.values}

    @property
    def voted(self) -> dict[str, int]:
        """The votes cast by accounts."""
        return {r: getattr(self, f"voted_{r}") for r in Rating.values}

    @property
    def tallies(self) -> dict[str, int]:
        """All votes: entered and cast by accounts; the result is computed from these."""
        return {r: getattr(self, r) + getattr(self, f"voted_{r}") for r in Rating.values}

    @property
    def vacant(self) -> bool:
        return self.member_id is None and not self.secretary_name


class RoundBallot(ScopedModel):
    """述职评议 by an account: that this account has voted in this round, and when. The ratings are
    added to the entries' ``voted_*`` counts and not kept with the voter (a secret ballot); one
    ballot per account, not changed once cast."""

    round = models.ForeignKey(ReportRound, verbose_name="述职评议", related_name="ballots", on_delete=models.CASCADE)
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="投票账号", related_name="+",
                              on_delete=models.CASCADE)
    cast_at = models.DateTimeField("投票时间", auto_now_add=True)

    scope_path = "round__org__path"

    class Meta:
        verbose_name = "述职评议投票"
        verbose_name_plural = "述职评议投票"
        ordering = ["round", "cast_at", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "voter"], name="appraisal_one_round_ballot")]

    def __str__(self) -> str:
        return f"{self.voter} 已投票"


class ReportProblem(ScopedModel):
    """A problem named in the 评议; ``item`` is the 三单 problem item made from it (one click)."""

    entry = models.ForeignKey(ReportEntry, verbose_name="书记述职", related_name="problems", on_delete=models.CASCADE)
    text = models.CharField("问题", max_length=300)
    item = models.ForeignKey("worklists.WorkItem", verbose_name="问题清单事项", null=True, blank=True,
                             related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "entry__org__path"

    class Meta:
        verbose_name = "述职评议问题"
        verbose_name_plural = "述职评议问题"
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.text


# -- 民主评议党员 ----------------------------------------------------------------------------------------


class Appraisal(VersionedModel):
    """One branch's 民主评议党员 of one year, held at its 民主评议党员 meeting."""

    org = models.ForeignKey("orgs.Organization", verbose_name="党支部", related_name="+", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    meeting = models.ForeignKey("orglife.Meeting", verbose_name="民主评议党员会议", null=True, blank=True,
                                related_name="+", on_delete=models.SET_NULL)
    stage = models.CharField("环节", max_length=10, choices=Stage.choices, default=Stage.SELF)
    voters = models.PositiveIntegerField("参加民主测评人数", null=True, blank=True)
    finished_on = models.DateField("完成日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = "民主评议党员"
        ordering = ["-year", "org__path", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="appraisal_one_per_branch_year")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年度民主评议党员"


class AppraisalMember(VersionedModel):
    appraisal = models.ForeignKey(Appraisal, verbose_name="民主评议", related_name="people", on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="appraisals",
                               on_delete=models.PROTECT)
    name = models.CharField("姓名", max_length=50)
    exclusion = models.CharField("不参加评议的情形", max_length=20, choices=Exclusion.choices, blank=True)
    exclusion_note = models.CharField("说明", max_length=200, blank=True)
    self_review = models.TextField("个人自评", blank=True)
    peer_done = models.BooleanField("已参加互评", default=False)
    excellent_votes = models.PositiveIntegerField("测评优秀票", default=0)
    qualified_votes = models.PositiveIntegerField("测评合格票", default=0)
    basic_votes = models.PositiveIntegerField("测评基本合格票", default=0)
    unqualified_votes = models.PositiveIntegerField("测评不合格票", default=0)
    grade = models.CharField("评定等次", max_length=20, choices=Grade.choices, blank=True)

    scope_path = "appraisal__org__path"

    class Meta:
        verbose_name = "评议党员"
        verbose_name_plural = "评议党员"
        ordering = ["appraisal", "id"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="appraisal_member_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def excluded(self) -> bool:
        return bool(self.exclusion)

    @property
    def tallies(self) -> dict[str, int]:
        return {g: getattr(self, f"{g}_votes") for g in Grade.values}


class Ballot(ScopedModel):
    """民主测评 by a member's own account: that this member has voted in this appraisal, and when. The
    choices are added to the people's tallies and not kept with the voter (a secret ballot); one ballot
    per voter, not changed once cast."""

    appraisal = models.ForeignKey(Appraisal, verbose_name="民主评议", related_name="ballots", on_delete=models.CASCADE)
    voter = models.ForeignKey(AppraisalMember, verbose_name="投票党员", related_name="+", on_delete=models.CASCADE)
    cast_at = models.DateTimeField("投票时间", auto_now_add=True)

    scope_path = "appraisal__org__path"

    class Meta:
        verbose_name = "民主测评投票"
        verbose_name_plural = "民主测评投票"
        ordering = ["appraisal", "cast_at", "id"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "voter"], name="appraisal_one_ballot")]

    def __str__(self) -> str:
        return f"{self.voter} 已投票"


class DisposalRecord(VersionedModel):
    """组织处置 of a member appraised 不合格, with its due date (a 待办 for the branch until done)."""

    person = models.OneToOneField(AppraisalMember, verbose_name="评议党员", related_name="disposal",
                                  on_delete=models.CASCADE)
    kind = models.CharField("处置方式", max_length=20, choices=Disposal.choices)
    due_on = models.DateField("处置期限")
    note = models.CharField("处置意见", max_length=500, blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    done_note = models.CharField("办结情况", max_length=500, blank=True)

    scope_path = "person__appraisal__org__path"

    class Meta:
        verbose_name = "组织处置"
        verbose_name_plural = "组织处置"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"


class Appeal(VersionedModel):
    """A member's 申诉 against their 民主评议 result, reviewed by the level above the branch."""

    person = models.OneToOneField(AppraisalMember, verbose_name="评议党员", related_name="appeal",
                                  on_delete=models.CASCADE)
    text = models.TextField("申诉理由")
    filed_on = models.DateField("提出日期")
    outcome = models.CharField("复查结论", max_length=10, choices=AppealOutcome.choices, blank=True)
    response = models.TextField("复查意见", blank=True)
    answered_on = models.DateField("复查日期", null=True, blank=True)

    scope_path = "person__appraisal__org__path"

    class Meta:
        verbose_name = "评议结果申诉"
        verbose_name_plural = "评议结果申诉"
        ordering = ["filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.person} 的申诉"


# -- 党员积分 --------------------------------------------------------------------------------------------


class PointsRule(VersionedModel):
    """A points rule set by ``org`` for its whole subtree (see rules.py for what may never be scored)."""

    org = models.ForeignKey("orgs.Organization", verbose_name="制定单位", related_name="+", on_delete=models.PROTECT)
    category = models.CharField("类别", max_length=20, choices=PointsCategory.choices)
    name = models.CharField("积分项目", max_length=100)
    description = models.CharField("说明", max_length=300, blank=True)
    points = models.SmallIntegerField("分值", default=0)
    cap_month = models.PositiveSmallIntegerField("每月上限", null=True, blank=True)
    cap_year = models.PositiveSmallIntegerField("每年上限", null=True, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "积分规则"
        verbose_name_plural = "积分规则"
        ordering = ["org__path", "category", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def veto(self) -> bool:
        return self.category == PointsCategory.VETO


class SourceRule(VersionedModel):
    """A computed points item for one year, set by ``org`` for its subtree (the nearest organisation's
    rule wins): ``points`` for every full ``per`` units of a quantity another app measures (a
    ``core.registry`` points source, e.g. confirmed service hours), at most ``cap`` a year. The
    platform computes the entry; nobody claims it."""

    org = models.ForeignKey("orgs.Organization", verbose_name="制定单位", related_name="+", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    source = models.CharField("计分依据", max_length=30)
    per = models.DecimalField("每满", max_digits=6, decimal_places=1)
    points = models.PositiveSmallIntegerField("计分")
    cap = models.PositiveSmallIntegerField("每年上限")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "平台计算的积分项目"
        verbose_name_plural = "平台计算的积分项目"
        ordering = ["-year", "org__path", "source"]
        constraints = [models.UniqueConstraint(fields=["org", "year", "source"], name="appraisal_one_source_rule")]

    def __str__(self) -> str:
        return f"{self.year} {self.source}"


class PointsSetting(VersionedModel):
    """Per organisation: whether rankings are shown in its subtree (off unless turned on)."""

    org = models.OneToOneField("orgs.Organization", verbose_name="党组织", related_name="+", on_delete=models.CASCADE)
    rankings = models.BooleanField("显示积分排名", default=False)

    class Meta:
        verbose_name = "积分设置"
        verbose_name_plural = "积分设置"

    def __str__(self) -> str:
        return f"{self.org} 积分设置"


class PointsEntry(VersionedModel):
    """One line of a member's points ledger. ``key`` makes generation from events idempotent
    (``attendance:<id>:<rule>``); claims have none."""

    member = models.ForeignKey("members.Member", verbose_name="党员", related_name="points", on_delete=models.PROTECT)
    org = models.ForeignKey("orgs.Organization", verbose_name="党支部", related_name="+", on_delete=models.PROTECT)
    rule = models.ForeignKey(PointsRule, verbose_name="积分规则", null=True, blank=True, related_name="entries",
                             on_delete=models.PROTECT)
    on = models.DateField("日期")
    points = models.SmallIntegerField("分值")
    reason = models.CharField("事由", max_length=300)
    origin = models.CharField("来源", max_length=10, choices=EntryOrigin.choices)
    state = models.CharField("状态", max_length=10, choices=EntryState.choices, default=EntryState.PENDING)
    key = models.CharField("来源记录", max_length=100, null=True, blank=True, unique=True)
    evidence_text = models.CharField("佐证说明", max_length=500, blank=True)
    evidence_file = models.FileField("佐证文件", upload_to="appraisal/evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField("佐证文件名", max_length=255, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "积分记录"
        verbose_name_plural = "积分记录"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["member", "on"], name="appraisal_points_member_on"),
                   models.Index(fields=["org", "on"], name="appraisal_points_org_on"),
                   # the home page counts the claims waiting in a subtree: a handful among a million entries
                   models.Index(fields=["org"], name="appraisal_points_pending",
                                condition=models.Q(state=EntryState.PENDING))]

    def __str__(self) -> str:
        return f"{self.member_id} {self.on} {self.points:+d}"
