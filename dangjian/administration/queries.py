"""Reads of the 三员 pages: accounts, positions, the security policy and the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from dangjian.accounts.models import AdminDuty, Position
from dangjian.core import labels
from dangjian.core.models import ChangeRecord

from . import rules


def accounts(q: str = ""):
    users = get_user_model().objects.annotate(position_count=Count("positions")).select_related("admin_duty")
    q = q.strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    return users.order_by("username", "id")


def positions_of(user):
    return Position.objects.filter(user=user).select_related("org").order_by("org__path", "role")


def duty_holders():
    return AdminDuty.objects.select_related("user").order_by("duty", "user__username")


def security_policy() -> list[tuple[str, str]]:
    """The security settings in force, for the security administrator (read-only)."""
    from dangjian.accounts import rules as account_rules

    min_length = next((v.get("OPTIONS", {}).get("min_length", 8) for v in settings.AUTH_PASSWORD_VALIDATORS
                       if v["NAME"].endswith("MinimumLengthValidator")), "未启用")
    classes = next((v.get("OPTIONS", {}).get("min_classes") for v in settings.AUTH_PASSWORD_VALIDATORS
                    if v["NAME"].endswith("CharacterClassValidator")), None)
    max_age = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0)
    totp_roles = getattr(settings, "TOTP_REQUIRED_ROLES", [])
    return [
        ("密码最短长度", f"{min_length} 位"),
        ("密码字符类别", f"至少 {classes} 类（大写、小写、数字、符号）" if classes else "不限"),
        ("常见密码、与用户名相近的密码", "拒绝"),
        ("密码有效期", f"{max_age} 天" if max_age else "不过期"),
        ("不得重复使用最近的密码", f"{getattr(settings, 'PASSWORD_HISTORY', 0)} 个"),
        ("登录失败锁定", f"同一账号从同一地址连续失败 {account_rules.MAX_FAILURES} 次起，该地址须等待 1 分钟，"
                   f"此后每失败一次加倍，最长 {account_rules.LOCK_MINUTES} 分钟；服务器上 dangjian unlock 可解除"),
        ("接口令牌有效期", f"{settings.API_TOKEN_DAYS} 天（修改或重置密码、停用账号时全部吊销）"),
        ("会话空闲超时", f"{settings.SESSION_COOKIE_AGE // 60} 分钟"),
        ("会话最长时间", f"{getattr(settings, 'SESSION_MAX_SECONDS', 0) // 60} 分钟"),
        ("双因素认证（TOTP）", "三员必须启用" + (f"；以及岗位：{', '.join(totp_roles)}" if totp_roles else "")),
        ("审计日志保存期限", f"{getattr(settings, 'AUDIT_RETENTION_DAYS', 180)} 天（到期归档，不删除）"),
    ]


@dataclass
class AuditFilter:
    """The audit log page's filters. Empty values mean "no filter"; malformed ones are ignored."""

    since: dt.date | None = None
    until: dt.date | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    address: str = ""
    request_id: str = ""
    q: str = ""

    @classmethod
    def from_mapping(cls, data) -> AuditFilter:
        out = cls()
        for f in fields(cls):
            raw = str(data.get(f.name) or "").strip()[:100]
            if not raw:
                continue
            if f.name in ("since", "until"):
                try:
                    setattr(out, f.name, dt.date.fromisoformat(raw))
                except ValueError:
                    continue
            else:
                setattr(out, f.name, raw)
        return out

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}


def archives():
    """The archives written by ``dangjian audit-archive``, newest first."""
    from dangjian.core.models import AuditAnchor

    return AuditAnchor.objects.order_by("-last_id")[:20]


def audit_records(f: AuditFilter):
    """Newest first. Dates are whole local days: ``until`` includes that day."""
    qs = ChangeRecord.objects.all()
    if f.since:
        qs = qs.filter(at__gte=_start_of(f.since))
    if f.until:
        qs = qs.filter(at__lt=_start_of(f.until + dt.timedelta(days=1)))
    if f.actor:
        qs = qs.filter(Q(actor__username=f.actor) | Q(actor_name=f.actor))
    if f.action:  # a code (login) or its Chinese label, or part of it (登录)
        qs = qs.filter(action__in=[f.action, *labels.codes_for(f.action, kind="action")])
    if f.object_type:  # members.member or 党员
        qs = qs.filter(object_type__in=[f.object_type, *labels.codes_for(f.object_type, kind="object_type")])
    if f.address:
        qs = qs.filter(address=f.address) if _is_ip(f.address) else qs.none()
    if f.request_id:
        qs = qs.filter(Q(request_id=f.request_id) | Q(client_request_id=f.request_id))
    if f.q:  # a member's name is hidden from this page, so it cannot be searched for either
        qs = qs.filter(Q(note__icontains=f.q)
                       | (Q(object_repr__icontains=f.q) & ~Q(object_type__in=rules.PERSONAL_OBJECT_TYPES)))
    return qs.order_by("-id")


@dataclass
class AuditRow:
    """One record as the audit administrator sees it (rules.redacted_*)."""

    id: int
    at: dt.datetime
    actor_name: str
    action: str
    object_type: str
    object_id: int
    object_repr: str
    before: dict
    after: dict
    note: str
    address: str | None
    request_id: str
    client_request_id: str
    hash: str

    @classmethod
    def of(cls, record) -> AuditRow:
        kind = record.object_type
        return cls(
            id=record.id, at=record.at, actor_name=record.actor_name, action=record.action, object_type=kind,
            object_id=record.object_id, object_repr=rules.redacted_object(kind, record.object_id, record.object_repr),
            before=rules.redacted_values(kind, record.before), after=rules.redacted_values(kind, record.after),
            note=rules.redacted_note(kind, record.action, record.note), address=record.address,
            request_id=record.request_id, client_request_id=record.client_request_id, hash=record.hash,
        )

    def changed_fields(self) -> list[tuple[str, object, object]]:
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]

    # The same Chinese reading as the change log's (core/labels.py), over the redacted values.
    @property
    def action_label(self) -> str:
        return labels.action_label(self.action)

    @property
    def object_type_label(self) -> str:
        return labels.object_type_label(self.object_type)

    def labelled_changes(self) -> list[tuple[str, str, str]]:
        return labels.labelled_changes(self.object_type, self.before, self.after)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _is_ip(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
