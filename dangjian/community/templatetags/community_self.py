"""``{% my_community member %}``: the member's 报到 on 我的信息 — the community, the year's service
records and hours, and the forms to ask to report and to add a record; ``{% member_reports member %}``:
the 报到社区 line of the member's page and 我的信息, read from the report records (members/me.html and
members/detail.html load them; the members app's Python code does not import this app, which sits
above it)."""

from django import template
from django.utils import timezone

from ..forms import RecordForm, RequestForm
from ..queries import community_orgs, member_overview, needs_for_report
from ..queries import member_reports as reports_of

register = template.Library()


@register.inclusion_tag("community/_my_community.html", takes_context=True)
def my_community(context, member):
    overview = member_overview(member, timezone.localdate().year)
    return {**overview, "member": member, "csrf_token": context.get("csrf_token"),
            "request_form": RequestForm(communities=community_orgs()),
            "record_form": RecordForm(needs=needs_for_report(overview["report"]))}


@register.inclusion_tag("community/_member_reports.html")
def member_reports(member):
    """报到社区 from the records; the old free text (``Member.report_community``) only where the
    member has no record, labelled 旧登记, so the page tells one story."""
    reports = reports_of(member)
    return {"reports": reports, "old_text": "" if reports else member.report_community}
