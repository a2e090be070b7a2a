"""Demo logins: one per kind of user, each with the position the README describes.

For the demo only: every account shares one published password, is exempt from the first-login
password change, and those that need a second factor (the 三员) share one published TOTP secret
(``dangjian demo-totp USERNAME`` prints the current code), so the demo works without a phone.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts.actions import position_grant, user_create
from dangjian.accounts.choices import Duty, Role
from dangjian.accounts.models import AdminDuty, PasswordState, Position
from dangjian.accounts.totp import hex_key, new_device
from dangjian.core.actors import SYSTEM
from dangjian.core.history import audited_transaction, record_change
from dangjian.members.selfservice.demo_member import demo_member, link_demo_member
from dangjian.orgs.choices import OrgKind, Post, UnitCategory
from dangjian.orgs.demo.scales import CITY_CODE
from dangjian.orgs.models import CommitteePost, Organization

DEMO_PASSWORD = "Demo-2026!"
# Published, like the password: the second factor of the demo accounts that need one. Never used
# outside these accounts; ``dangjian demo-totp`` refuses any account whose device has another key.
DEMO_TOTP_SECRET = "DANGJIANDEMOTOTPSECRETKEYFORDEMO"
DEMO_USERNAMES = frozenset({"city", "county", "town", "secretary", "member", "viewer", "sysadmin", "secadmin",
                            "auditadmin"})
SITE_URL = "http://127.0.0.1:8000/"  # runserver's default; `make demo` passes its HOST and PORT


class NoDemoData(Exception):
    pass


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    org: Organization | None
    role: str  # a Role value, or "" for the 三员 administrators
    scope: str
    duty: str = ""  # a Duty value for the 三员 administrators, who hold no position in the tree
    member: bool = False  # a plain member: no position, a login linked to their own record

    @property
    def post(self) -> str:
        if self.member:
            return f"{self.org.name} · 党员（/members/me/）"
        if self.duty:
            return f"{Duty(self.duty).label}（/administration/）"
        return f"{self.org.name} · {Role(self.role).label}"


def demo_logins() -> list[DemoLogin]:
    """Who gets which seat, found in the tree the demo generator built (first in path order)."""
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        raise NoDemoData("还没有党组织数据，请先运行：dangjian demo-data --scale county")
    is_city = root.code == CITY_CODE
    county = _first_child(root, OrgKind.COMMITTEE) if is_city else root
    town = _first_child(county, OrgKind.COMMITTEE) or _first_child(county, OrgKind.WORKING_COMMITTEE) or county
    branch, secretary_name = _village_branch(town)
    level = "区" if county.name.endswith("区委员会") else "县"
    whole = "全市" if is_city else f"全{level}"
    logins = [DemoLogin("city", "市委组织部（演示）", root, Role.SUPERIOR_ADMIN, "全市")] if is_city else []
    logins += [
        DemoLogin("county", f"{level}委组织部（演示）", county, Role.SUPERIOR_ADMIN, f"全{level}"),
        DemoLogin("town", f"{town.display_name}（演示）", town, Role.SUPERIOR_ADMIN, "该乡镇"),
        DemoLogin("secretary", secretary_name, branch, Role.SECRETARY, "该支部"),
        *_member_login(branch),
        DemoLogin("viewer", "只读用户（演示）", root, Role.READONLY, f"{whole}（只读）"),
        DemoLogin("sysadmin", "系统管理员（演示）", None, "", "账号与配置，不能查看党员数据", Duty.SYSTEM),
        DemoLogin("secadmin", "安全管理员（演示）", None, "", "角色与安全策略，不能查看党员数据", Duty.SECURITY),
        DemoLogin("auditadmin", "审计管理员（演示）", None, "", "只读审计日志", Duty.AUDIT),
    ]
    return logins


def _member_login(branch: Organization) -> list[DemoLogin]:
    member = demo_member(branch)
    return [DemoLogin("member", member.name, branch, "", "仅本人信息", member=True)] if member else []


def _first_child(org: Organization, kind: str) -> Organization | None:
    return Organization.objects.filter(parent=org, kind=kind).order_by("path").first()


def _village_branch(town: Organization) -> tuple[Organization, str]:
    """The first village branch under ``town`` with a secretary, and the secretary's name."""
    posts = CommitteePost.objects.filter(
        term__is_current=True, post=Post.SECRETARY, term__org__path__startswith=town.path,
        term__org__kind=OrgKind.BRANCH, term__org__unit_category=UnitCategory.VILLAGE,
    ).select_related("term__org", "member").order_by("term__org__path")
    # A village branch right under the town reads best in the demo; one under a 村党总支 will do.
    post = posts.filter(term__org__parent=town).first() or posts.first()
    if post is None:
        branch = Organization.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH).order_by("path").first()
        return branch or town, "支部书记（演示）"
    return post.term.org, post.member.name


@audited_transaction()
def ensure_demo_accounts() -> list[DemoLogin]:
    """Create the demo users, or reset their passwords; leave each with exactly its demo position."""
    logins = demo_logins()
    for login in logins:
        user = _user(login)
        _second_factor(user, needed=bool(login.duty) or login.role in settings.TOTP_REQUIRED_ROLES)
        if login.member:
            user.positions.all().delete()
            AdminDuty.objects.filter(user=user).delete()
            link_demo_member(user, demo_member(login.org))
            continue
        if login.duty:
            # 三员: a duty and no position, so an administrator never reads member data.
            user.positions.all().delete()
            AdminDuty.objects.update_or_create(user=user, defaults={"duty": login.duty})
            continue
        AdminDuty.objects.filter(user=user).delete()
        Position.objects.filter(user=user).exclude(org=login.org, role=login.role).delete()
        position_grant(acting_user=SYSTEM, user=user, org=login.org, role=login.role)
    return logins


def _user(login: DemoLogin):
    user = get_user_model().objects.filter(username=login.username).first()
    if user is None:
        user = user_create(acting_user=SYSTEM, username=login.username, password=DEMO_PASSWORD,
                           full_name=login.full_name)
    else:
        user.set_password(DEMO_PASSWORD)
        record_change(actor=SYSTEM, action="demo_account_reset", obj=user, note="重置演示账号密码")
    user.first_name = login.full_name[:150]
    user.is_active = True
    user.is_staff = user.is_superuser = False  # no superuser in daily use (三员分立)
    user.save()
    # The printed accounts are exempt from the first-login change (user_create asks for it).
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": False, "changed_at": timezone.now()})
    return user


def _second_factor(user, *, needed: bool) -> None:
    """A confirmed device with the published demo secret where a second factor is required; none elsewhere."""
    TOTPDevice.objects.filter(user=user).delete()
    if needed:
        new_device(user, hex_key(DEMO_TOTP_SECRET), confirmed=True, name="演示身份验证器")


def logins_table(logins: list[DemoLogin]) -> str:
    rows = [("用户名", "岗位", "可见范围")] + [(x.username, x.post, x.scope) for x in logins]
    widths = [max(display_width(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def banner(logins: list[DemoLogin], site_url: str = SITE_URL) -> str:
    site_url = site_url.rstrip("/") + "/"
    return "\n".join([
        "演示账号（仅用于演示，切勿用于正式环境）",
        f"访问地址：{site_url}    三员管理：{site_url}administration/",
        f"密码（所有演示账号相同）：{DEMO_PASSWORD}",
        "三员登录还需两步验证码：运行 dangjian demo-totp sysadmin（或 secadmin、auditadmin）查看当前验证码，"
        f"或在手机身份验证器中手动添加演示密钥 {DEMO_TOTP_SECRET}",
        "",
        logins_table(logins),
    ])
