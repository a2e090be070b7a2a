from decimal import Decimal

from django.db import models


class ProgrammeKind(models.TextChoices):
    STUDY_GROUP = "study_group", "理论学习中心组学习"
    LECTURE_HALL = "lecture_hall", "讲习所"
    ROTATION = "rotation", "轮训"
    NIGHT_SCHOOL = "night_school", "理论夜校"


# 学时 a member is expected to complete in a year unless an organisation above sets its own
# (learning.HoursTarget); counties commonly set 32.
DEFAULT_HOURS_TARGET = Decimal("32")
MAX_SESSION_HOURS = Decimal("24")
