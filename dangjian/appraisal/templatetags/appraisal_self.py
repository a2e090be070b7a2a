"""``{% my_appraisal member %}``: the member's own 民主评议 results and this year's points on 我的信息
(members/me.html loads it; members' Python code does not import this app)."""

from django import template
from django.utils import timezone

from ..choices import Stage
from ..models import AppraisalMember
from ..queries import member_ledger

register = template.Library()


@register.inclusion_tag("appraisal/_me_section.html")
def my_appraisal(member):
    year = timezone.localdate().year
    results = (AppraisalMember.objects.filter(member=member, appraisal__stage=Stage.DONE)
               .select_related("appraisal__org").order_by("-appraisal__year")[:5])
    return {"results": results, "total": member_ledger(member, year).total, "year": year}
