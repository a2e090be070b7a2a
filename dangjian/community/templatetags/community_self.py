"""``{% my_community member %}``: the member's 报到 on 我的信息 — the community, the year's service
records and hours, and the forms to ask to report and to add a record (members/me.html loads it;
the members app's Python code does not import this app, which sits above it)."""

from django import template
from django.utils import timezone

from ..forms import RecordForm, RequestForm
from ..queries import community_orgs, member_overview, needs_for_report

register = template.Library()


@register.inclusion_tag("community/_my_community.html", takes_context=True)
def my_community(context, member):
    overview = member_overview(member, timezone.localdate().year)
    return {**overview, "member": member, "csrf_token": context.get("csrf_token"),
            "request_form": RequestForm(communities=community_orgs()),
            "record_form": RecordForm(needs=needs_for_report(overview["report"]))}
