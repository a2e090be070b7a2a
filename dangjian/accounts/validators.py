"""Password rules beyond Django's own (等保三级: length ≥ 8 and at least 3 of 4 character classes)."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError

CLASSES = {
    "大写字母": set(string.ascii_uppercase),
    "小写字母": set(string.ascii_lowercase),
    "数字": set(string.digits),
}


def character_classes(password: str) -> int:
    present = sum(1 for chars in CLASSES.values() if any(c in chars for c in password))
    others = any(not (c.isascii() and c.isalnum()) for c in password)
    return present + (1 if others else 0)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码至少应包含大写字母、小写字母、数字、符号中的{self.min_classes}类", code="password_classes"
            )

    def get_help_text(self):
        return f"密码至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类。"


class PasswordHistoryValidator:
    """等保三级: none of the last ``settings.PASSWORD_HISTORY`` passwords may be used again.

    Django calls ``password_changed`` whenever a password is set through ``set_password`` and saved
    (change form, reset, the demo's reset), so the history and the change time are kept on every
    path; ``create_user`` does not call it, which is why ``user_create`` records the first one."""

    def validate(self, password, user=None):
        from django.conf import settings
        from django.contrib.auth.hashers import check_password

        from .queries import recent_password_hashes

        count = settings.PASSWORD_HISTORY
        if user is None or user.pk is None or count <= 0:
            return
        if any(check_password(password, encoded) for encoded in recent_password_hashes(user, count)):
            raise ValidationError(f"新密码不能与最近{count}次使用过的密码相同", code="password_reused")

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            from .actions import password_remember

            password_remember(user)

    def get_help_text(self):
        from django.conf import settings

        return f"不能与最近{settings.PASSWORD_HISTORY}次使用过的密码相同。"
