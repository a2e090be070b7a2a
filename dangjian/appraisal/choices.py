"""Options of 述职评议, 民主评议党员 and 党员积分, with their Chinese labels."""

from django.db import models


class Rating(models.TextChoices):
    """述职评议: one voter's rating of a secretary's report, and the round's result."""

    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class Stage(models.TextChoices):
    """民主评议党员: the steps in order (12371 支部生活: 个人自评 → 党员互评 → 民主测评 → 组织评定)."""

    SELF = "self", "个人自评"
    PEER = "peer", "党员互评"
    VOTE = "vote", "民主测评"
    DECISION = "decision", "组织评定"
    DONE = "done", "已完成"


STAGE_ORDER = [Stage.SELF, Stage.PEER, Stage.VOTE, Stage.DECISION, Stage.DONE]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class AppealOutcome(models.TextChoices):
    """申诉复查的结论 (the level above reviews a member's appeal against their result)."""

    KEPT = "kept", "维持原评定等次"
    CHANGED = "changed", "改变评定等次"


class Exclusion(models.TextChoices):
    """Members who may be left out of the year's appraisal, each with the reason it is allowed
    (the documented list; anything else is appraised). The reason shown is ``EXCLUSION_REASONS``."""

    ILLNESS = "illness", "长期病休"
    ABROAD = "abroad", "出国（境）6 个月以上"
    SENTENCE = "sentence", "正在服刑或受审查"
    FLOATING = "floating", "流动党员无法参加"
    NOT_TRANSFERRED = "not_transferred", "组织关系未转入本支部"
    INFIRM = "infirm", "年老体弱、行动不便"


EXCLUSION_REASONS = {
    Exclusion.ILLNESS: "因病长期休养、不能参加组织生活的党员，经支部同意可不参加评议",
    Exclusion.ABROAD: "因私出国（境）6 个月以上、无法与支部联系的党员，回国后补评或不参加当年评议",
    Exclusion.SENTENCE: "正在服刑或正在接受纪律审查的党员，待结论作出后再处理，不参加当年评议",
    Exclusion.FLOATING: "外出流动、未能参加流入地评议且无法返回的党员，由流入地党组织提供表现情况",
    Exclusion.NOT_TRANSFERRED: "组织关系尚未转入本支部的党员，由组织关系所在支部评议",
    Exclusion.INFIRM: "年老体弱、行动不便的党员，经支部同意可不参加评议，支部上门听取意见",
}


class Disposal(models.TextChoices):
    """组织处置 of a member appraised 不合格."""

    RECTIFY = "rectify", "限期改正"
    PERSUADE = "persuade", "劝其退党"
    REMOVE = "remove", "除名"


class PointsCategory(models.TextChoices):
    """What a points rule may score. Only conduct and work done, never use of the platform
    (see rules.FORBIDDEN_BASES)."""

    ATTENDANCE = "attendance", "参加组织生活"
    SERVICE = "service", "志愿服务"
    DUTY = "duty", "承担任务、发挥作用"
    HONOUR = "honour", "表彰奖励"
    DUES = "dues", "按时交纳党费"
    DEDUCTION = "deduction", "违规扣分"
    VETO = "veto", "一票否决"


class EntryOrigin(models.TextChoices):
    EVENT = "event", "平台记录生成"
    CLAIM = "claim", "申报"


class EntryState(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已认定"
    REJECTED = "rejected", "未认定"
