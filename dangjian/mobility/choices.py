"""Choices of the 流动党员 module, Chinese labels on screen."""

from django.db import models


class OutflowStatus(models.TextChoices):
    AWAY = "away", "外出中"
    RETURNED = "returned", "已返回"
    TRANSFERRED = "transferred", "已转接组织关系"
    LOST = "lost", "失去联系"


# statuses that end an outflow (the member's 流出 flag is cleared)
CLOSED = (OutflowStatus.RETURNED, OutflowStatus.TRANSFERRED)
# statuses still followed by the home branch (reminders, 失联 scan, yearly report)
OPEN = (OutflowStatus.AWAY, OutflowStatus.LOST)


class ReportKind(models.TextChoices):
    YEARLY = "yearly", "年度报告"
    CONTACT = "contact", "日常联系"


class ReportMethod(models.TextChoices):
    IN_PERSON = "in_person", "当面"
    PHONE = "phone", "电话"
    LETTER = "letter", "书面"
    ONLINE = "online", "网上"


class ReportSource(models.TextChoices):
    BRANCH = "branch", "支部登记"
    MEMBER = "member", "党员本人提交"


class InflowStatus(models.TextChoices):
    ACTIVE = "active", "在本地参加活动"
    LEFT = "left", "已离开"
