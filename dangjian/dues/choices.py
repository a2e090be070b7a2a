"""Choices of the 党费 module, Chinese labels on screen."""

from django.db import models


class DuesCategory(models.TextChoices):
    """What the monthly amount is computed from (docs/dues.md「人员类别」)."""

    SALARIED = "salaried", "在职（工资收入）"
    SELF_EMPLOYED = "self_employed", "个体经营（上季度月平均纯收入）"
    RETIRED = "retired", "离退休（离退休费）"
    FARMER = "farmer", "农民"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业"
    RELIEF = "relief", "领取救济或低保"


class PaymentKind(models.TextChoices):
    REGULAR = "regular", "按月交纳"
    VOLUNTARY = "voluntary", "自愿多交（特殊党费）"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "现金"
    TRANSFER = "transfer", "转账"
    ONLINE = "online", "网上交纳"
    PAYROLL = "payroll", "工资代扣"
    QUARTERLY = "quarterly", "按季度交纳"
    PROXY = "proxy", "委托代交"


class ArrangementKind(models.TextChoices):
    QUARTERLY = "quarterly", "按季度交纳"
    PROXY = "proxy", "委托代交"


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", "减交"
    EXEMPT = "exempt", "免交"


# methods that need the branch's recorded consent, and the arrangement that grants it
CONSENTED_METHODS = {PaymentMethod.QUARTERLY: ArrangementKind.QUARTERLY, PaymentMethod.PROXY: ArrangementKind.PROXY}
