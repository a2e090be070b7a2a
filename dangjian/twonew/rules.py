"""Pure rules of the 两新 registry and 阵地: the unified social credit code, coverage rates, the
progress of a 动态排查 round, a service centre's standards. No database here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .choices import ORG_COVERED, WORK_COVERED, Coverage, EntityKind

# GB 32100-2015: 18 characters from 0-9 and the capitals without I, O, Z, S, V; the 18th is a
# check character over the first 17 with weights 3^i mod 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# The registration authority (1st character) and the kinds of body it registers that concern us.
AUTHORITY_KIND = {"9": EntityKind.ENTERPRISE, "5": EntityKind.SOCIAL}


def normalise_credit_code(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def credit_check_character(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """Why ``code`` (already normalised) is not a valid unified social credit code, or None."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位（现为 {len(code)} 位）"
    bad = sorted({c for c in code if c not in CREDIT_ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、Z、S、V）"
    expected = credit_check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位不正确（第 18 位应为 {expected}），请核对"
    return None


def kind_from_credit_code(code: str) -> str | None:
    """非公企业 (registered by 市场监管, 9…) or 社会组织 (民政, 5…), read from the code."""
    return AUTHORITY_KIND.get(code[:1])


def coverage_error(coverage: str, *, has_org: bool, has_instructor: bool) -> dict[str, str]:
    """An entry names what covers it: the party organisation (单独/联合建立) or the 指导员."""
    errors = {}
    if coverage in ORG_COVERED and not has_org:
        errors["covering_org"] = f"{Coverage(coverage).label}的须填写所建党组织"
    if coverage == Coverage.INSTRUCTOR and not has_instructor:
        errors["instructor_name"] = "选派党建指导员的须填写指导员"
    return errors


# 党章第三十条: an organisation with three or more 正式党员 establishes its own 党的基层组织. A unit
# whose registered party members reach this many should have one (应建); 已建 is 单独 or 联合建立.
SHOULD_HAVE_MEMBERS = 3


def should_have_org(party_members: int) -> bool:
    """Whether a unit should have a party organisation of its own (应建)."""
    return party_members >= SHOULD_HAVE_MEMBERS


def rate(part: int, total: int) -> float | None:
    """Percentage to one decimal; None when there is nothing to count (not 0%, not 100%)."""
    return round(100 * part / total, 1) if total else None


@dataclass
class CoverageCounts:
    total: int = 0
    separate: int = 0
    joint: int = 0
    instructor: int = 0
    uncovered: int = 0
    party_members: int = 0

    def add(self, coverage: str, count: int, members: int = 0) -> None:
        self.total += count
        self.party_members += members
        slot = {Coverage.SEPARATE: "separate", Coverage.JOINT: "joint", Coverage.INSTRUCTOR: "instructor"}
        name = slot.get(coverage, "uncovered")
        setattr(self, name, getattr(self, name) + count)

    def merge(self, other: CoverageCounts) -> None:
        for name in ("total", "separate", "joint", "instructor", "uncovered", "party_members"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def org_covered(self) -> int:
        return self.separate + self.joint

    @property
    def work_covered(self) -> int:
        return self.separate + self.joint + self.instructor

    @property
    def org_rate(self) -> float | None:
        """组织覆盖率: entries with a party organisation (单独或联合建立) of all entries."""
        return rate(self.org_covered, self.total)

    @property
    def work_rate(self) -> float | None:
        """工作覆盖率: entries with a party organisation or a 党建指导员 of all entries."""
        return rate(self.work_covered, self.total)


def is_org_covered(coverage: str) -> bool:
    return coverage in ORG_COVERED


def is_work_covered(coverage: str) -> bool:
    return coverage in WORK_COVERED


@dataclass(frozen=True)
class RoundProgress:
    total: int
    checked: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.checked, 0)

    @property
    def percent(self) -> float | None:
        return rate(self.checked, self.total)


def standards_met(required: Iterable[str], met: Iterable[str]) -> tuple[list[str], list[str]]:
    """(met, missing) of a centre against the standards, in the standards' order."""
    have = set(met)
    required = list(required)
    return [s for s in required if s in have], [s for s in required if s not in have]
