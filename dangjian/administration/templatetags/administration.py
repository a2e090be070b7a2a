"""``{% admin_nav as nav %}``: the 三员 page of the logged-in user's duty, for the navigation bar
(None for everyone without a duty, so the entry is shown to duty holders only)."""

from django import template
from django.urls import reverse

from dangjian.accounts.choices import Duty
from dangjian.accounts.queries import duty_of

from ..rules import HOME_PAGE

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_nav(context):
    request = context.get("request")
    duty = duty_of(getattr(request, "user", None))
    if duty not in HOME_PAGE:
        return None
    return {"url": reverse(HOME_PAGE[duty]), "label": Duty(duty).label}
