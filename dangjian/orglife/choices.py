from django.db import models


class MeetingType(models.TextChoices):
    """Built-in types. Types an organisation adds are ``CustomMeetingType`` rows, linked as ``custom-<id>``."""

    BRANCH_ASSEMBLY = "branch_assembly", "支部党员大会"
    COMMITTEE = "committee", "支委会"
    GROUP = "group", "党小组会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    REVIEW = "review", "民主评议党员"
    HEART_TALK = "heart_talk", "谈心谈话"
    STUDY_GROUP = "study_group", "理论学习中心组学习"
    DEMOCRATIC_LIFE = "democratic_life", "民主生活会"


CUSTOM_PREFIX = "custom-"


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class QuorumBase(models.TextChoices):
    """Who counts toward the quorum."""

    NONE = "none", "不设法定人数"
    VOTING = "voting", "有表决权的正式党员"
    COMMITTEE = "committee", "支委会委员"
    ALL = "all", "全体党员"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已召开"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class Outcome(models.TextChoices):
    """One organisation, one rule, one period."""

    MET = "met", "已完成"
    MISSING = "missing", "未开展"
    QUORUM = "quorum", "人数不足"
    NOT_DUE = "not_due", "未到期"
    NOT_APPLICABLE = "na", "不作要求"


class FlagKind(models.TextChoices):
    LATE_ENTRY = "late_entry", "补录"
    BURST = "burst", "集中录入"
    COPIED = "copied", "会议记录雷同"
    OVERLAP = "overlap", "同一党员同时出席两场会议"
    OVER_MEMBERSHIP = "over_membership", "出席人数超过党员人数"
    LEFT_MEMBER = "left_member", "已离开的党员计入出席"
    FUTURE = "future", "召开日期在未来"
    BEFORE_FOUNDED = "before_founded", "早于党组织成立日期"


class FlagState(models.TextChoices):
    """What a reviewer made of a flag. Kept across rescans; every change is audited."""

    OPEN = "open", "待核实"
    CONFIRMED = "confirmed", "属实"
    EXPLAINED = "explained", "已说明"
    DISMISSED = "dismissed", "不成立"


# Kinds found between two meetings: each side carries a flag naming the other.
PAIR_KINDS = frozenset({"copied", "overlap"})
