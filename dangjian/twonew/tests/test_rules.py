"""Pure rules: no database."""

import pytest

from dangjian.twonew import rules
from dangjian.twonew.choices import Coverage

# Real-format codes: the worked example of GB 32100-2015 and a large enterprise's published code.
VALID = ["91350100M000100Y43", "91440300708461136T"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert rules.credit_code_error(code) is None


def test_wrong_check_character_names_the_right_one():
    message = rules.credit_code_error("91350100M000100Y44")
    assert "校验位" in message and "应为 3" in message


@pytest.mark.parametrize("code, words", [
    ("91350100M000100Y4", "18 位"),
    ("91350100M000100Y433", "18 位"),
    ("9135010OM000100Y43", "不允许的字符：O"),
    ("91110000600007336S", "不允许的字符：S"),
])
def test_malformed_codes_are_refused(code, words):
    assert words in rules.credit_code_error(code)


def test_every_single_character_change_is_caught():
    code = VALID[0]
    for position in range(17):
        for char in rules.CREDIT_ALPHABET:
            if char != code[position]:
                changed = code[:position] + char + code[position + 1:]
                assert rules.credit_code_error(changed) is not None


def test_normalise_and_kind():
    assert rules.normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert rules.kind_from_credit_code("91350100M000100Y43") == "enterprise"
    assert rules.kind_from_credit_code("51100000500000456M") == "social"
    assert rules.kind_from_credit_code("11100000000013127D") is None


def test_coverage_rates_at_boundaries():
    empty = rules.CoverageCounts()
    assert empty.org_rate is None and empty.work_rate is None  # nothing to count is not 0% or 100%
    counts = rules.CoverageCounts()
    counts.add(Coverage.SEPARATE, 1)
    counts.add(Coverage.JOINT, 1)
    counts.add(Coverage.INSTRUCTOR, 1)
    counts.add(Coverage.NONE, 1)
    assert (counts.org_rate, counts.work_rate) == (50.0, 75.0)
    full = rules.CoverageCounts()
    full.add(Coverage.INSTRUCTOR, 3)
    assert (full.org_rate, full.work_rate) == (0.0, 100.0)
    assert rules.rate(2, 3) == 66.7


def test_coverage_needs_what_covers_it():
    assert "covering_org" in rules.coverage_error(Coverage.JOINT, has_org=False, has_instructor=True)
    assert "instructor_name" in rules.coverage_error(Coverage.INSTRUCTOR, has_org=True, has_instructor=False)
    assert rules.coverage_error(Coverage.NONE, has_org=False, has_instructor=False) == {}


def test_round_progress_and_standards():
    progress = rules.RoundProgress(total=4, checked=1)
    assert (progress.remaining, progress.percent) == (3, 25.0)
    assert rules.RoundProgress(0, 0).percent is None
    met, missing = rules.standards_met(["有场所", "有标志", "有制度"], ["有制度", "有场所"])
    assert (met, missing) == (["有场所", "有制度"], ["有标志"])
