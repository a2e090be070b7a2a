from django.db import models


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class MembershipType(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class PartyStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "停止党籍"
    LEFT = "left", "已出党"
    DECEASED = "deceased", "已去世"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    ACCEPTED = "accepted", "已更正"
    REJECTED = "rejected", "未予更正"
    WITHDRAWN = "withdrawn", "已撤回"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    UNIVERSITY = "university", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    MIDDLE_SCHOOL = "middle_school", "初中"
    PRIMARY = "primary", "小学及以下"


class Category(models.TextChoices):
    """人员类别 of the national record (simplified to its top level)."""

    WORKER = "worker", "工人"
    FARMER = "farmer", "农牧渔民"
    PROFESSIONAL = "professional", "专业技术人员"
    MANAGER = "manager", "企事业单位管理人员"
    OFFICIAL = "official", "党政机关工作人员"
    STUDENT = "student", "学生"
    MILITARY = "military", "解放军、武警"
    RETIRED = "retired", "离退休人员"
    OTHER = "other", "其他职业人员"


class FlowStatus(models.TextChoices):
    NONE = "", "否"
    OUT = "out", "流出"
    IN = "in", "流入"


ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族",
    "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族",
    "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
    "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族",
    "门巴族", "珞巴族", "基诺族",
]
ETHNICITY_CHOICES = [(e, e) for e in ETHNICITIES]

# Age bands for statistics (years): lower bound inclusive, upper exclusive.
AGE_BANDS = [("35岁及以下", 0, 36), ("36至45岁", 36, 46), ("46至55岁", 46, 56), ("56至60岁", 56, 61),
             ("61至70岁", 61, 71), ("71岁及以上", 71, 200)]
PARTY_AGE_BANDS = [("5年以下", 0, 5), ("5至10年", 5, 10), ("10至20年", 10, 20), ("20至30年", 20, 30),
                   ("30至50年", 30, 50), ("50年及以上", 50, 200)]
SECRETARY_AGE_BANDS = [("45岁以下", 0, 45), ("45至50岁", 45, 50), ("50至55岁", 50, 55), ("55岁及以上", 55, 200)]
