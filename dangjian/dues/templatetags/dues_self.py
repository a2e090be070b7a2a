"""``{% my_dues member %}``: the member's own payments on 我的信息 (members/me.html loads it; the
members app's Python code does not import this app, which sits above it)."""

from django import template

from ..queries import member_history

register = template.Library()


@register.inclusion_tag("dues/_my_dues.html")
def my_dues(member):
    return {"dues_payments": member_history(member)[:24]}
