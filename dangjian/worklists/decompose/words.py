"""Word lists written as the readable space-separated text they are, turned into regex alternations."""

import re


def either(words: str) -> str:
    """"要 必须 务必" → "(?:要|必须|务必)" (longer words first, so that 不严格 wins over 不严)."""
    ordered = sorted(dict.fromkeys(words.split()), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(word) for word in ordered) + ")"
