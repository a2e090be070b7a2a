from django.db import models

from dangjian.core.scoping import CHANGE, REVEAL, VIEW


class Role(models.TextChoices):
    SECRETARY = "secretary", "书记"
    ORGANIZER = "organizer", "组织委员"
    WORKER = "worker", "党务工作者"
    SUPERIOR_ADMIN = "superior_admin", "上级管理员"
    READONLY = "readonly", "只读"


# What each role may do inside the subtree of its position. Revealing a masked ID number or phone
# is narrower than changing a record: a 党务工作者 keeps rosters but does not read full ID numbers.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SECRETARY: frozenset({VIEW, CHANGE, REVEAL}),
    Role.ORGANIZER: frozenset({VIEW, CHANGE, REVEAL}),
    Role.WORKER: frozenset({VIEW, CHANGE}),
    Role.SUPERIOR_ADMIN: frozenset({VIEW, CHANGE, REVEAL}),
    Role.READONLY: frozenset({VIEW}),
}


def roles_granting(action: str) -> list[str]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


class Duty(models.TextChoices):
    """三员分立: the three separated administrator duties. A user holds at most one, and a duty
    grants nothing inside the organisation tree (no member data)."""

    SYSTEM = "system", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDIT = "audit", "审计管理员"
