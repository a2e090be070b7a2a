"""Choices of 双报到 (在职党员到社区报到、离退休党员报到), Chinese labels on screen."""

from django.db import models


class ReportKind(models.TextChoices):
    IN_SERVICE = "in_service", "在职党员报到"
    RETIRED = "retired", "离退休党员报到"


class ReportStatus(models.TextChoices):
    REQUESTED = "requested", "待社区接收"
    ACCEPTED = "accepted", "已报到"
    DECLINED = "declined", "社区未接收"
    ENDED = "ended", "已结束"


class RecordStatus(models.TextChoices):
    ENTERED = "entered", "待社区确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "未予确认"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


OPEN_STATUSES = (ReportStatus.REQUESTED, ReportStatus.ACCEPTED)
