"""How 流动党员 count for the quorum (docs/mobility.md「组织生活与法定人数」): recorded as 请假, they
leave 应到 only where the rule excludes leave."""

from dangjian.orglife.rules import reaches_quorum


def test_two_of_five_away_on_leave():
    expected, present, away = 5, 2, 2
    assert reaches_quorum(expected, present, away, leave_excluded=True)  # 2 of 3 remaining
    assert not reaches_quorum(expected, present, away, leave_excluded=False)  # 2 of 5: not more than half
    assert not reaches_quorum(4, 1, 2, leave_excluded=True)  # 1 of 2 is only half
