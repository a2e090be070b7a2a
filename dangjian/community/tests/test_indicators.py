"""报到率 as a registered 考核评价 indicator: counted per subtree, scored by the assessment, with
the members behind the number as its evidence."""

from decimal import Decimal

from django.utils import timezone

from dangjian.assessment import actions as assessment
from dangjian.assessment import queries as assessment_queries
from dangjian.assessment.models import Score
from dangjian.community.indicators import CODE
from dangjian.core.actors import SYSTEM
from dangjian.core.registry import computed_indicators


def test_reporting_rate_is_a_registered_indicator(tree, side, accepted):
    assert CODE in computed_indicators()
    today = timezone.localdate()
    facts = assessment_queries.gather_facts(tree.county, today.year, [tree.c.pk, tree.a.pk], today=today,
                                            codes={CODE})
    assert facts[tree.c.pk].extra[CODE] == (1, 2)  # the doctor reported, the retiree has not
    assert facts[tree.a.pk].extra[CODE] == (0, 0)

    scheme = assessment.scheme_create(acting_user=SYSTEM, org=tree.county, year=today.year, with_defaults=False)
    assessment.indicators_set(acting_user=SYSTEM, scheme=scheme, indicators=[
        {"group": "党员管理", "name": "党员报到率", "method": "computed", "code": CODE, "weight": 40},
        {"group": "其他", "name": "其他工作", "method": "entered", "weight": 60}])
    scheme = assessment.scheme_issue(acting_user=SYSTEM, scheme=scheme)
    assessment.scheme_compute(acting_user=SYSTEM, scheme=scheme, today=today)
    score = Score.objects.get(grade__scheme=scheme, grade__org=tree.c, indicator__code=CODE)
    assert score.points == Decimal("20.00") and "1/2" in score.reason
    nobody = Score.objects.get(grade__scheme=scheme, grade__org=tree.a, indicator__code=CODE)
    assert nobody.points == Decimal(40) and "按满分计" in nobody.reason

    rows = assessment_queries.evidence(tree.c, today.year, CODE, today=today)
    assert [(r.label, r.detail, r.url_name, r.pk) for r in rows] == [
        ("老郑", "尚未报到", "members:detail", side.retiree.pk)]
