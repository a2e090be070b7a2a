from django.conf import settings
from django.db import models

from dangjian.core import crypto
from dangjian.core.idnumbers import mask_id_number, mask_phone
from dangjian.core.models import ScopedModel, VersionedModel

from .choices import (
    ETHNICITY_CHOICES,
    Category,
    CorrectionStatus,
    Education,
    FlowStatus,
    Gender,
    MembershipType,
    PartyStatus,
)


class Member(VersionedModel):
    """A party member: the national record's items. ID number and phone are stored encrypted
    (SM4-GCM) and found through a keyed blind index; only masked forms leave the model by default."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=10, choices=ETHNICITY_CHOICES, default="汉族")
    id_number_encrypted = models.CharField("公民身份号码(密文)", max_length=200, editable=False)
    id_number_index = models.CharField("公民身份号码索引", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("公民身份号码", max_length=18, editable=False)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    category = models.CharField("人员类别", max_length=20, choices=Category.choices, blank=True)
    work_unit = models.CharField("工作单位", max_length=200, blank=True)
    job_title = models.CharField("职务", max_length=100, blank=True)
    joined_on = models.DateField("入党日期")
    confirmed_on = models.DateField("转正日期", null=True, blank=True)
    membership_type = models.CharField(
        "党员类型", max_length=20, choices=MembershipType.choices, default=MembershipType.FULL
    )
    status = models.CharField("党籍状态", max_length=20, choices=PartyStatus.choices, default=PartyStatus.NORMAL)
    phone_encrypted = models.CharField("手机号码(密文)", max_length=200, blank=True, editable=False)
    phone_index = models.CharField("手机号码索引", max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField("手机号码", max_length=20, blank=True, editable=False)
    address = models.CharField("家庭住址", max_length=300, blank=True)
    org = models.ForeignKey(  # no index of its own: members_filter_counts and (org, name) begin with it
        "orgs.Organization", verbose_name="所在党组织", related_name="members", on_delete=models.PROTECT,
        db_index=False,
    )
    lost_contact = models.BooleanField("失联党员", default=False)
    lost_contact_since = models.DateField("失联日期", null=True, blank=True)
    flow_status = models.CharField("流动党员", max_length=5, choices=FlowStatus.choices, blank=True, default="")
    flow_place = models.CharField("流动地点", max_length=200, blank=True)
    hardship = models.BooleanField("困难党员", default=False)
    retired = models.BooleanField("离退休", default=False)
    report_community = models.CharField("报到社区", max_length=200, blank=True)
    # The member's own login (可选): it sees this record on "我的信息" and nothing else.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", related_name="member", null=True, blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["org_id", "name", "id"]
        indexes = [
            models.Index(fields=["org", "name"]), models.Index(fields=["birth_date"]),
            # the compliance report counts full members per organisation over a whole city: read
            # from this small index alone rather than from the wide member rows
            models.Index(fields=["org"], name="members_full_by_org",
                         condition=models.Q(status=PartyStatus.NORMAL, membership_type=MembershipType.FULL)),
            # the member list counts a filtered subtree on every page: on PostgreSQL the count reads
            # this narrow index (9 MB for a city) instead of the wide rows (58 MB); SQLite ignores INCLUDE
            models.Index(fields=["org"], name="members_filter_counts",
                         include=["membership_type", "status", "gender", "education", "category", "flow_status",
                                  "lost_contact", "hardship", "retired", "birth_date"]),
        ]

    def __str__(self) -> str:
        return self.name

    # Sensitive values: set through these, never by assigning the stored columns by hand.
    def set_id_number(self, value: str) -> None:
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_index = crypto.blind_index(value)
        self.id_number_masked = mask_id_number(value)

    def set_phone(self, value: str) -> None:
        self.phone_encrypted = crypto.encrypt(value)
        self.phone_index = crypto.blind_index(value)
        self.phone_masked = mask_phone(value)

    def reveal_id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)

    def reveal_phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted)


class Transfer(ScopedModel):
    """组织关系转接: one move of a member between organisations."""

    member = models.ForeignKey(Member, verbose_name="党员", related_name="transfers", on_delete=models.CASCADE)
    from_org = models.ForeignKey(
        "orgs.Organization", verbose_name="转出党组织", related_name="+", on_delete=models.PROTECT
    )
    to_org = models.ForeignKey(
        "orgs.Organization", verbose_name="转入党组织", related_name="+", on_delete=models.PROTECT
    )
    transferred_on = models.DateField("转接日期")
    reason = models.CharField("原因", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "member__org__path"

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-transferred_on", "-id"]
        # rosters as they stood on a date are rebuilt from a member's transfers in date order
        indexes = [models.Index(fields=["member", "transferred_on"], name="members_transfer_by_date")]

    def __str__(self) -> str:
        return f"{self.member} {self.from_org} → {self.to_org}"


class StatusChange(ScopedModel):
    """A change of 党籍状态 (death, 出党, 停止党籍, 恢复) and the day it took effect, so a meeting is
    judged by the roster as it stood on its own date, not by today's."""

    member = models.ForeignKey(Member, verbose_name="党员", related_name="status_changes", on_delete=models.CASCADE)
    status_from = models.CharField("原党籍状态", max_length=20, choices=PartyStatus.choices)
    status_to = models.CharField("新党籍状态", max_length=20, choices=PartyStatus.choices)
    effective_on = models.DateField("生效日期")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_path = "member__org__path"

    class Meta:
        verbose_name = "党籍状态变更"
        verbose_name_plural = "党籍状态变更"
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["member", "effective_on"], name="members_status_by_date")]

    def __str__(self) -> str:
        return f"{self.member} {self.effective_on:%Y-%m-%d} {self.get_status_to_display()}"


class CorrectionRequest(ScopedModel):
    """A member's request to correct one item of their own record (PIPL 更正权). The proposed ID
    number or phone is stored encrypted like the member's own and dropped once decided."""

    member = models.ForeignKey(Member, verbose_name="党员", related_name="corrections", on_delete=models.CASCADE)
    field = models.CharField("更正项目", max_length=30)
    current_display = models.CharField("申请时的内容", max_length=300, blank=True)
    proposed_value = models.CharField("申请更正为", max_length=300, blank=True)
    proposed_encrypted = models.CharField("申请更正为(密文)", max_length=200, blank=True, editable=False)
    proposed_display = models.CharField("申请更正为（显示）", max_length=300, blank=True)
    reason = models.CharField("理由", max_length=500)
    status = models.CharField("状态", max_length=10, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True,
                                     related_name="+", on_delete=models.SET_NULL)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=500, blank=True)

    scope_path = "member__org__path"

    class Meta:
        verbose_name = "信息更正申请"
        verbose_name_plural = "信息更正申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "field"], condition=models.Q(status="pending"),
                                    name="members_one_pending_correction_per_field"),
        ]
        indexes = [models.Index(fields=["status", "member"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.field_label}"

    @property
    def field_label(self) -> str:
        from .selfservice.corrections import FIELDS

        spec = FIELDS.get(self.field)
        return spec.label if spec else self.field

    def set_proposed(self, value: str, *, sensitive: bool, display: str) -> None:
        if sensitive:
            self.proposed_value = ""
            self.proposed_encrypted = crypto.encrypt(value)
        else:
            self.proposed_value = value
            self.proposed_encrypted = ""
        self.proposed_display = display[:300]

    def reveal_proposed(self) -> str:
        return crypto.decrypt(self.proposed_encrypted) if self.proposed_encrypted else self.proposed_value
