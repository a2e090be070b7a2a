"""发展党员: one ``RecruitmentCase`` per person from 入党申请 to 转正 and filing, its ``CaseStep``
records (the 25 steps as data), the documents, and the local rule layers a county switches on.

The case keeps what the pipeline counts — stage, status, next due date and the flags of the last
check — so the pipeline and the county table are grouped counts over one table."""

from django.conf import settings
from django.db import models

from dangjian.core.models import ScopedModel, VersionedModel
from dangjian.members.choices import Gender
from dangjian.members.models import Member

from .choices import STEP_CHOICES, CaseStatus, DocumentKind, Edition, LocalLayer, Outcome, Stage


class RecruitmentCase(VersionedModel):
    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    id_number_encrypted = models.CharField("公民身份号码(密文)", max_length=200, editable=False)
    id_number_index = models.CharField("公民身份号码索引", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("公民身份号码", max_length=18, editable=False)
    birth_date = models.DateField("出生日期")
    work_unit = models.CharField("工作单位", max_length=200, blank=True)
    org = models.ForeignKey("orgs.Organization", verbose_name="所在党支部", related_name="recruitment_cases",
                            on_delete=models.PROTECT)
    applied_on = models.DateField("递交入党申请书日期")
    edition = models.CharField("适用细则版本", max_length=8, choices=Edition.choices)
    stage = models.PositiveSmallIntegerField("阶段", choices=Stage.choices, default=Stage.APPLICANT)
    current_step = models.PositiveSmallIntegerField("已到步骤", default=1)
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    next_due_on = models.DateField("下一期限", null=True, blank=True)
    next_due_label = models.CharField("下一期限事项", max_length=50, blank=True)
    flags = models.JSONField("规则提示", default=list, blank=True)
    flag_count = models.PositiveSmallIntegerField("提示数", default=0)
    # The time of the check that last changed the derived values above (a check that finds them
    # unchanged writes nothing: checking.check_all).
    checked_at = models.DateTimeField("检查时间", null=True, blank=True)
    member = models.OneToOneField("members.Member", verbose_name="党员档案", null=True, blank=True,
                                  related_name="recruitment_case", on_delete=models.SET_NULL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "发展党员对象"
        verbose_name_plural = "发展党员对象"
        ordering = ["org_id", "applied_on", "id"]
        indexes = [models.Index(fields=["org", "stage"]), models.Index(fields=["next_due_on"])]

    def __str__(self) -> str:
        return self.name

    # the member record's own setters: the same three columns, encrypted and indexed the same way
    set_id_number = Member.set_id_number
    reveal_id_number = Member.reveal_id_number


class CaseStep(ScopedModel):
    case = models.ForeignKey(RecruitmentCase, verbose_name="发展党员对象", related_name="steps",
                             on_delete=models.CASCADE)
    step = models.PositiveSmallIntegerField("步骤", choices=STEP_CHOICES)
    done_on = models.DateField("日期")
    persons = models.ManyToManyField("members.Member", verbose_name="相关党员", blank=True, related_name="+")
    person_names = models.CharField("相关人员", max_length=200, blank=True)
    meeting = models.ForeignKey("orglife.Meeting", verbose_name="会议记录", null=True, blank=True,
                                related_name="+", on_delete=models.SET_NULL)
    voting_expected = models.PositiveIntegerField("应到会有表决权党员", null=True, blank=True)
    voting_present = models.PositiveIntegerField("实到会有表决权党员", null=True, blank=True)
    votes_for = models.PositiveIntegerField("赞成票", null=True, blank=True)
    individually = models.BooleanField("逐个讨论表决", default=True)
    training_days = models.DecimalField("培训天数", max_digits=4, decimal_places=1, default=0)
    training_hours = models.DecimalField("培训学时", max_digits=5, decimal_places=1, default=0)
    publicity_start = models.DateField("公示开始", null=True, blank=True)
    publicity_end = models.DateField("公示结束", null=True, blank=True)
    approver = models.ForeignKey("orgs.Organization", verbose_name="审批单位", null=True, blank=True,
                                 related_name="+", on_delete=models.PROTECT)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, blank=True, default="")
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    reason = models.CharField("说明/延期理由", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    related_name="+", on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    scope_path = "case__org__path"

    class Meta:
        verbose_name = "发展党员步骤"
        verbose_name_plural = "发展党员步骤"
        ordering = ["case_id", "step", "done_on", "id"]
        constraints = [models.UniqueConstraint(
            fields=["case", "step"], condition=~models.Q(step__in=[6, 21, 22, 23, 24]),
            name="recruitment_one_record_per_step")]
        indexes = [models.Index(fields=["step", "done_on"])]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_step_display()}"


class CaseDocument(ScopedModel):
    case = models.ForeignKey(RecruitmentCase, verbose_name="发展党员对象", related_name="documents",
                             on_delete=models.CASCADE)
    kind = models.CharField("材料类别", max_length=20, choices=DocumentKind.choices)
    file = models.FileField("文件", upload_to="recruitment/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope_path = "case__org__path"

    class Meta:
        verbose_name = "发展党员材料"
        verbose_name_plural = "发展党员材料"
        ordering = ["case_id", "uploaded_at", "id"]


class RuleLayerSwitch(ScopedModel):
    """A local rule layer switched on for an organisation and everything under it."""

    owner = models.ForeignKey("orgs.Organization", verbose_name="启用单位", related_name="+",
                              on_delete=models.CASCADE)
    layer = models.CharField("地方规则", max_length=30, choices=LocalLayer.choices)

    scope_path = "owner__path"

    class Meta:
        verbose_name = "发展党员地方规则"
        verbose_name_plural = "发展党员地方规则"
        constraints = [models.UniqueConstraint(fields=["owner", "layer"], name="recruitment_one_layer_switch")]
