from django.db import models


class CampaignKind(models.TextChoices):
    INSPECTION = "inspection", "集中督查"
    SPECIAL_CHECK = "special_check", "专项检查"
    UNANNOUNCED = "unannounced", "随机暗访"
    REVISIT = "revisit", "整改回头看"
    OBSERVATION = "observation", "观摩"
    DEMO_OBSERVATION = "demo_observation", "示范观摩"
    BRAND_SELECTION = "brand_selection", "品牌评选"
    SITE_SELECTION = "site_selection", "示范点评选"


INSPECTION_KINDS = frozenset({CampaignKind.INSPECTION, CampaignKind.SPECIAL_CHECK, CampaignKind.UNANNOUNCED,
                              CampaignKind.REVISIT})
OBSERVATION_KINDS = frozenset({CampaignKind.OBSERVATION, CampaignKind.DEMO_OBSERVATION})
SELECTION_KINDS = frozenset({CampaignKind.BRAND_SELECTION, CampaignKind.SITE_SELECTION})


class TargetMethod(models.TextChoices):
    TYPES = "types", "按组织类型全部选取"
    CHOSEN = "chosen", "指定名单"
    SAMPLE = "sample", "分层随机抽取"
    APPLIED = "applied", "申报"


class Role(models.TextChoices):
    INSPECTOR = "inspector", "督查人员"
    JUDGE = "judge", "评委"


class CombineMethod(models.TextChoices):
    MEAN = "mean", "平均分"
    TRIMMED = "trimmed", "去掉最高分和最低分后平均"


class Grade(models.TextChoices):
    ADVANCED = "advanced", "先进"
    STANDARD = "standard", "达标"
    LAGGING = "lagging", "落后"


class Schedule(models.TextChoices):
    NONE = "", "不定期"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half-yearly", "每半年"


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", "已申报"
    SCREENED = "screened", "初审通过（评审中）"
    REJECTED = "rejected", "初审未通过"
    PUBLICITY = "publicity", "公示中"
    NAMED = "named", "已命名"
    NOT_NAMED = "not_named", "未命名"


class TitleState(models.TextChoices):
    ACTIVE = "active", "保留"
    WITHDRAWN = "withdrawn", "已摘牌"


class ItemStatus(models.TextChoices):
    """The state of a finding's 三单 item as the campaign report shows it."""

    NONE = "", "未转问题清单"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已销号"
    OVERDUE = "overdue", "超期"


MIN_PUBLICITY_WORKING_DAYS = 5
DEFAULT_TRIM_MIN_JUDGES = 5
DEFAULT_ADVANCED_SHARE = 30
DEFAULT_LAGGING_SHARE = 10
MAX_SAMPLE = 5000
