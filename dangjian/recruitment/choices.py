"""The 25 steps of 发展党员 in their five stages, and the small choice lists of a case."""

from django.db import models


class Stage(models.IntegerChoices):
    APPLICANT = 1, "入党申请人"
    ACTIVIST = 2, "入党积极分子"
    CANDIDATE = 3, "发展对象"
    ADMISSION = 4, "预备党员接收"
    PROBATION = 5, "预备党员考察和转正"
    DONE = 6, "已转正"
    CLOSED = 7, "已终止"


# (step number, name, stage). Steps 6, 21 and 22–24 may be recorded more than once: a 考察 every half
# year, and a second 转正 discussion after an extension of the probation.
STEPS: list[tuple[int, str, int]] = [
    (1, "递交入党申请书", 1), (2, "党组织派人谈话", 1),
    (3, "确定入党积极分子", 2), (4, "报上级党委备案", 2), (5, "指定培养联系人", 2), (6, "培养教育考察", 2),
    (7, "确定发展对象", 3), (8, "报上级党委备案", 3), (9, "确定入党介绍人", 3), (10, "进行政治审查", 3),
    (11, "开展集中培训", 3), (12, "支部委员会审查", 3), (13, "上级党委预审", 3),
    (14, "填写入党志愿书", 4), (15, "支部党员大会讨论", 4), (16, "上级党委派人谈话", 4), (17, "上级党委审批", 4),
    (18, "再上一级党委组织部门备案", 4), (19, "编入党支部和党小组", 4), (20, "入党宣誓", 4),
    (21, "继续教育考察", 5), (22, "提出转正申请", 5), (23, "支部党员大会讨论转正", 5), (24, "上级党委审批转正", 5),
    (25, "材料归档", 5),
]
STEP_NAMES = {n: name for n, name, _ in STEPS}
STEP_STAGE = {n: stage for n, _, stage in STEPS}
STEP_CHOICES = [(n, f"{n}. {name}") for n, name, _ in STEPS]
REPEATABLE = frozenset({6, 21, 22, 23, 24})
# Steps whose decision is taken at a meeting recorded in 组织生活.
MEETING_STEPS = {3: "支委会", 7: "支委会", 12: "支委会", 15: "支部党员大会", 23: "支部党员大会"}
# Steps naming people: 谈话人, 培养联系人, 入党介绍人, 派来谈话的人.
PEOPLE_STEPS = {2: "谈话人", 5: "培养联系人", 9: "入党介绍人", 16: "谈话人"}


class Outcome(models.TextChoices):
    NONE = "", "—"
    APPROVED = "approved", "同意"
    REJECTED = "rejected", "不同意"
    CONFIRM = "confirm", "按期转正"
    EXTEND = "extend", "延长预备期"
    CANCEL = "cancel", "取消预备党员资格"


class CaseStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "已转正"
    CLOSED = "closed", "已终止"


class DocumentKind(models.TextChoices):
    APPLICATION = "application", "入党申请书"
    REPORT = "report", "思想汇报"
    REVIEW = "review", "政审材料"
    TRAINING = "training", "培训证明"
    VOLUNTEER = "volunteer", "入党志愿书"
    OTHER = "other", "其他材料"


class Edition(models.TextChoices):
    E2014 = "2014", "《中国共产党发展党员工作细则》（2014年）"
    E2026 = "2026", "《中国共产党发展党员工作细则》（2026年修订）"


class LocalLayer(models.TextChoices):
    PUBLICITY_7 = "publicity_7", "公示期不少于7个工作日（地方规定）"
    CANDIDATE_PUBLICITY = "candidate_publicity", "确定发展对象时也须公示（地方规定）"
