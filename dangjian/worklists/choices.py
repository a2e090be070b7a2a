from django.db import models


class Kind(models.TextChoices):
    PROBLEM = "problem", "问题"
    TASK = "task", "任务"
    RESPONSIBILITY = "responsibility", "责任"


class Source(models.TextChoices):
    INSPECTION_TOUR = "inspection_tour", "巡视巡察反馈"
    SUPERVISION = "supervision", "督查检查"
    SELF_CHECK = "self_check", "自查"
    ASSIGNED = "assigned", "上级交办"
    MEETING = "meeting", "会议部署"
    SPEECH = "speech", "讲话分解"
    OTHER = "other", "其他"


class State(models.TextChoices):
    PENDING = "pending", "待认领"
    IN_PROGRESS = "in_progress", "整改中"
    REQUESTED = "requested", "申请销号"
    CLOSED = "closed", "已销号"


class Recurrence(models.TextChoices):
    NONE = "", "不重复"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half-yearly", "每半年"
    YEARLY = "yearly", "每年"


class Priority(models.IntegerChoices):
    HIGH = 1, "高"
    NORMAL = 2, "中"
    LOW = 3, "低"


class Transition(models.TextChoices):
    CLAIM = "claim", "认领"
    SUBMIT = "submit", "申请销号"
    APPROVE = "approve", "审核销号"
    REJECT = "reject", "退回整改"
    REVIEW_PASS = "review_pass", "回头看通过"
    REOPEN = "reopen", "回头看重新整改"


class EventKind(models.TextChoices):
    CREATE = "create", "创建"
    UPDATE = "update", "修改"
    CLAIM = "claim", "认领"
    PROGRESS = "progress", "报告进展"
    EVIDENCE = "evidence", "上传佐证"
    SUBMIT = "submit", "申请销号"
    APPROVE = "approve", "审核销号"
    REJECT = "reject", "退回整改"
    REVIEW_PASS = "review_pass", "回头看通过"
    REOPEN = "reopen", "回头看重新整改"


DEFAULT_REVIEW_DAYS = 90
DUE_SOON_DAYS = 7
