"""What the navigation bar offers the logged-in user: only what their role can use.

- a position in the tree (view): 首页, 组织体系, 党员管理, 组织生活, 三单管理;
- a position that may change something: also 导入;
- a member's own login: 我的信息;
- one of the 三员: their administration page, and nothing of the business menus (they hold no position).

A template context processor, so every page (and the error pages) builds the same bar."""

from __future__ import annotations

from django.urls import reverse

from dangjian.accounts.choices import Duty
from dangjian.accounts.queries import duty_of
from dangjian.administration.rules import HOME_PAGE
from dangjian.campaigns.queries import active_grants
from dangjian.core.scoping import CHANGE, VIEW, scope_prefixes
from dangjian.members.queries import member_of


def menu_for(user) -> dict:
    if user is None or not user.is_authenticated:
        return {}
    duty = duty_of(user)
    admin = {"url": reverse(HOME_PAGE[duty]), "label": Duty(duty).label} if duty in HOME_PAGE else None
    staff = bool(scope_prefixes(user, VIEW))
    return {
        "staff": staff,
        # 督查评选: staff, and inspectors or judges from outside holding only a campaign's grant
        "campaigns": staff or active_grants(user).exists(),
        "can_change": bool(scope_prefixes(user, CHANGE)),
        "member": member_of(user) is not None,
        "admin": admin,
    }


def navigation(request) -> dict:
    """Worked out once per request: a page that renders parts with ``render_to_string(request=…)``
    (the home page's panels) runs every context processor again for each part."""
    menu = getattr(request, "_navigation_menu", None)
    if menu is None:
        menu = menu_for(getattr(request, "user", None))
        if request is not None:
            request._navigation_menu = menu
    return {"menu": menu}
