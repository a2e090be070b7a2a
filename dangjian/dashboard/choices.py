from django.db import models


class SnapshotKind(models.TextChoices):
    YEAR_END = "year_end", "年末"
    MONTH_END = "month_end", "月末"
