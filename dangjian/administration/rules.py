"""三员分立 as plain data: what each duty may do, and who may be given what.

The system administrator keeps accounts (create, disable, reset a password) and may look at — not
change — who holds which position. The security administrator grants and revokes positions and
duties, and sees the security policy. The audit administrator reads and exports the audit log.
No duty does another's job, nobody grants themselves anything, a user holds at most one duty, and a
duty holder holds no position: the three administrators never read member data.
"""

from __future__ import annotations

from dangjian.accounts.choices import Duty

ACCOUNTS = "accounts"  # list, create, disable/enable, reset passwords
POSITIONS_VIEW = "positions_view"  # see who holds which position
POSITIONS = "positions"  # grant and revoke positions
DUTIES = "duties"  # grant and revoke 三员 duties
POLICY = "policy"  # see the security policy values
AUDIT_LOG = "audit_log"  # read and export the audit log

DUTY_CAPABILITIES: dict[str, frozenset[str]] = {
    Duty.SYSTEM: frozenset({ACCOUNTS, POSITIONS_VIEW}),
    Duty.SECURITY: frozenset({POSITIONS, POSITIONS_VIEW, DUTIES, POLICY}),
    Duty.AUDIT: frozenset({AUDIT_LOG}),
}

# The page each duty lands on from the navigation.
HOME_PAGE = {
    Duty.SYSTEM: "administration:accounts",
    Duty.SECURITY: "administration:security",
    Duty.AUDIT: "administration:audit",
}


def may(duty: str | None, capability: str) -> bool:
    return duty is not None and capability in DUTY_CAPABILITIES.get(duty, frozenset())


def position_grant_refusal(*, actor_id: int, target_id: int, target_duty: str | None) -> str | None:
    if actor_id == target_id:
        return "不能给自己设置岗位"
    if target_duty:
        return f"该用户担任{Duty(target_duty).label}，三员不得同时担任业务岗位（不得查看党员数据）"
    return None


def position_revoke_refusal(*, actor_id: int, target_id: int) -> str | None:
    if actor_id == target_id:
        return "不能撤销自己的岗位"
    return None


def duty_grant_refusal(*, actor_id: int, target_id: int, target_duty: str | None, target_positions: int,
                       target_is_superuser: bool = False) -> str | None:
    if actor_id == target_id:
        return "不能给自己授予或变更管理职责"
    if target_duty:
        return f"该用户已担任{Duty(target_duty).label}，一人只能担任一种管理职责；如需调整，请先撤销"
    if target_positions:
        return f"该用户担任 {target_positions} 个业务岗位，请先撤销其岗位：三员不得查看党员数据"
    if target_is_superuser:
        return "超级用户不能担任三员职责"
    return None


def duty_revoke_refusal(*, actor_id: int, target_id: int) -> str | None:
    if actor_id == target_id:
        return "不能撤销自己的管理职责"
    return None


def account_change_refusal(*, actor_id: int, target_id: int, target_duty: str | None) -> str | None:
    """The system administrator does not disable or reset their own account, and does not take
    over another administrator's account (resetting its password would be a way into that duty)."""
    if actor_id == target_id:
        return "不能停用或重置自己的账号"
    if target_duty:
        return f"该账号担任{Duty(target_duty).label}，系统管理员不能停用或重置三员账号；请先由安全管理员撤销其职责"
    return None


# -- what the audit administrator sees ------------------------------------------------------------
# 三员分立: the audit administrator checks who did what to which object, not the members' data.
# Records about a member (and the requests and transfers that are about one person) keep their
# action, actor, time, address, object type and id, and the names of the fields that changed; the
# values, the member's name in the object column and free-text reasons are hidden. Any record's
# keys that hold people's names or personal details are hidden likewise. Business users with the
# scope read the full history on the member's own page.

PERSONAL_OBJECT_TYPES = frozenset({"members.member", "members.transfer", "members.correctionrequest"})
# Keys of other records that list people: a meeting's attendance (names, reasons for absence).
PERSONAL_KEYS = frozenset({"attendance"})
FREE_TEXT_ACTIONS = ("member_transfer", "correction_")
REDACTED = "（已隐去）"


def is_personal(object_type: str) -> bool:
    return object_type in PERSONAL_OBJECT_TYPES


def redacted_values(object_type: str, values: dict) -> dict:
    """``values`` (a record's before or after) as the audit administrator sees them."""
    personal = is_personal(object_type)
    return {k: (REDACTED if (personal or k in PERSONAL_KEYS) and v not in (None, "", [], {}) else v)
            for k, v in (values or {}).items()}


def redacted_object(object_type: str, object_id: int, object_repr: str) -> str:
    """A member's record is named by its type and number only (the page shows both beside this)."""
    return REDACTED if is_personal(object_type) else object_repr


def redacted_note(object_type: str, action: str, note: str) -> str:
    if is_personal(object_type) and action.startswith(FREE_TEXT_ACTIONS) and note:
        return REDACTED
    return note
