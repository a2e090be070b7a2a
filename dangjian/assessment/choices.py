from django.db import models


class Method(models.TextChoices):
    COMPUTED = "computed", "平台计算"
    ENTERED = "entered", "填报评分"


class Computed(models.TextChoices):
    """The computed indicators: each names a pure rule in rules.py (``COMPUTED_RULES``)."""

    ORGLIFE_RATE = "orglife_rate", "组织生活落实率"
    ORGLIFE_QUORUM = "orglife_quorum", "组织生活人数不足次数"
    WORKLIST_ONTIME = "worklist_ontime", "三单按期销号率"
    WORKLIST_OVERDUE = "worklist_overdue", "三单超期事项数"
    STRUCTURE_WARNINGS = "structure_warnings", "未解决的组织设置预警"
    SECRETARY_VACANT = "secretary_vacant", "书记空缺月数"
    LOST_CONTACT = "lost_contact", "未解决的失联党员"
    REVIEW_HELD = "review_held", "民主评议党员开展情况"


class SchemeState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已下发"


class Stage(models.TextChoices):
    """分类定级的流程：自评 → 群众测评 → 上级评定 → 公示 → 上报."""

    SELF = "self", "自评"
    SURVEY = "survey", "群众测评"
    RATED = "rated", "上级评定"
    PUBLICITY = "publicity", "公示"
    REPORTED = "reported", "已上报"


PUBLISHED_STAGES = frozenset({Stage.PUBLICITY, Stage.REPORTED})


class CandidateState(models.TextChoices):
    OPEN = "open", "待确认"
    DISMISSED = "dismissed", "不予认定"
    CONFIRMED = "confirmed", "整顿中"
    LIFTED = "lifted", "已摘帽"


class BandPreset(models.TextChoices):
    FOUR = "four", "好、较好、一般、较差"
    STARS = "stars", "星级（五星至一星）"


PUBLICITY_WORKING_DAYS = 5
DEFAULT_RECTIFY_MONTHS, MAX_RECTIFY_MONTHS = 6, 12
