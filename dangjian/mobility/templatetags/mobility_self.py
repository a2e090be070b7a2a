"""``{% my_outflow member %}``: the member's own outflow on 我的信息 (members/me.html loads it; the
members app's Python code does not import this app, which sits above it)."""

from django import template
from django.utils import timezone

from .. import queries

register = template.Library()


@register.inclusion_tag("mobility/_my_outflow.html")
def my_outflow(member):
    item = queries.member_outflow(member)
    line = queries.line_for(item, timezone.localdate()) if item is not None else None
    return {"flow_item": item, "flow_line": line}
