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
