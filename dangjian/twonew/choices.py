from django.db import models


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", "非公有制企业"
    SOCIAL = "social", "社会组织"


class Coverage(models.TextChoices):
    """How party work reaches a 两新组织. 组织覆盖 = 单独建立 or 联合建立; 工作覆盖 adds 选派党建指导员."""

    SEPARATE = "separate", "单独建立"
    JOINT = "joint", "联合建立"
    INSTRUCTOR = "instructor", "选派党建指导员"
    NONE = "none", "未覆盖"


ORG_COVERED = (Coverage.SEPARATE, Coverage.JOINT)
WORK_COVERED = (Coverage.SEPARATE, Coverage.JOINT, Coverage.INSTRUCTOR)


class CentreKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", "党群服务中心"
    ACTIVITY_ROOM = "activity_room", "党员活动室"


# The default fields ("1+4" and others) and the "六有" standards are written by migration 0002;
# a county edits those rows (twonew.Field, twonew.Standard).
DEFAULT_FIELD = "other"
FIELD_OF_KIND = {EntityKind.ENTERPRISE: "enterprise", EntityKind.SOCIAL: "social"}
