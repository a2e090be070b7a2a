"""``{% my_study member %}``: the member's own study record on 我的信息 (members/me.html loads it;
the members app's Python code does not import this app, which sits above it)."""

from django import template

from ..queries import study_record

register = template.Library()


@register.inclusion_tag("learning/_my_record.html")
def my_study(member):
    return {"study": study_record(member)}
