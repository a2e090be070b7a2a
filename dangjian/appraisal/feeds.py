"""What 民主评议 and 积分 put in people's 待办: a member appraised 不合格 whose 组织处置 is still to be
decided (from the moment the result stands: the appraisal finished, or an appeal changed the grade to
不合格), a 组织处置 due for the branch's staff until it is done,
a points claim for the branch to decide, the decision for the member (a notice), and a 述职评议 ballot for
every account that may vote while the round's account voting is open (closed when it has voted or
voting ends)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from dangjian.inbox import actions as inbox

DISPOSAL, CLAIM, CLAIM_RESULT = "appraisal.disposal", "appraisal.claim", "appraisal.claim_result"
APPEAL, APPEAL_RESULT = "appraisal.appeal", "appraisal.appeal_result"
DISPOSAL_NEEDED = "appraisal.disposal_needed"
ROUND_VOTE = "appraisal.round_vote"


def disposal_needed(person, due_on) -> None:
    """A member appraised 不合格 with no 组织处置 yet: the branch decides it (限期改正、劝其退党、除名)."""
    appraisal = person.appraisal
    inbox.notify(key=f"{DISPOSAL_NEEDED}:{person.pk}", source=DISPOSAL_NEEDED, org=appraisal.org, due_on=due_on,
                 url=reverse("appraisal:review", args=[appraisal.pk]),
                 title=f"待登记组织处置：{person.name}（{appraisal.year}年度民主评议不合格）",
                 body="评为不合格的党员，应区别情况作出限期改正、劝其退党或除名的组织处置，请在期限前登记。")


def disposal_settled(person, note: str) -> None:
    inbox.resolve(key=f"{DISPOSAL_NEEDED}:{person.pk}", note=note)


def appeal_filed(appeal, above) -> None:
    person = appeal.person
    inbox.notify(key=f"{APPEAL}:{appeal.pk}", source=APPEAL, org=above,
                 url=reverse("appraisal:review", args=[person.appraisal_id]),
                 title=f"民主评议结果申诉待复查：{person.appraisal.org.name} {person.name}", body=appeal.text[:500])


def appeal_answered(appeal) -> None:
    inbox.resolve(key=f"{APPEAL}:{appeal.pk}", note=appeal.get_outcome_display())
    user = appeal.person.member.user
    if user is not None:
        inbox.notify(key=f"{APPEAL_RESULT}:{appeal.pk}", source=APPEAL_RESULT, user=user, notice=True,
                     url=reverse("appraisal:me"), title=f"申诉复查结果：{appeal.get_outcome_display()}",
                     body=appeal.response[:500])


def disposal_opened(record) -> None:
    person = record.person
    disposal_settled(person, "已登记组织处置")
    inbox.notify(key=f"{DISPOSAL}:{record.pk}", source=DISPOSAL, org=person.appraisal.org,
                 url=reverse("appraisal:review", args=[person.appraisal_id]), due_on=record.due_on,
                 title=f"组织处置（{record.get_kind_display()}）：{person.name}，{record.due_on:%Y-%m-%d} 前办结",
                 body=f"{person.appraisal.year}年度民主评议党员评定为不合格。{record.note}")


def disposal_closed(record) -> None:
    inbox.resolve(key=f"{DISPOSAL}:{record.pk}", note="已办结")


def claim_filed(entry) -> None:
    inbox.notify(key=f"{CLAIM}:{entry.pk}", source=CLAIM, org=entry.org, url=reverse("appraisal:points"),
                 title=f"积分申报待审核：{entry.member.name} {entry.points:+d} 分", body=entry.reason)


def claim_decided(entry) -> None:
    inbox.resolve(key=f"{CLAIM}:{entry.pk}", note=entry.get_state_display())
    user_id = entry.member.user_id
    if user_id is None or user_id == entry.decided_by_id:
        return
    inbox.notify(key=f"{CLAIM_RESULT}:{entry.pk}", source=CLAIM_RESULT, user=entry.member.user, notice=True,
                 url=reverse("appraisal:me"), title=f"积分申报{entry.get_state_display()}：{entry.reason[:60]}",
                 body=entry.decision_note)


def _round_vote_key(round_, user_id: int) -> str:
    return f"{ROUND_VOTE}:{round_.pk}:{user_id}"


def round_voting_opened(round_, voter_ids) -> None:
    """One 待办 per account that may vote and has not: it goes to the person, not to an
    organisation's staff, because each account votes for itself."""
    for user in get_user_model().objects.filter(pk__in=list(voter_ids)).order_by("pk"):
        inbox.notify(key=_round_vote_key(round_, user.pk), source=ROUND_VOTE, user=user,
                     url=reverse("appraisal:round_ballot", args=[round_.pk]),
                     title=f"述职评议投票进行中：{round_.title}",
                     body="请对参加述职的党组织书记逐一评议（好、较好、一般、差）。投票不记名，每个账号一票，投后不能更改。")


def round_ballot_cast(round_, user) -> None:
    inbox.resolve(key=_round_vote_key(round_, user.pk), note="已投票")


def round_voting_closed(round_) -> int:
    """Close every open ballot 待办 of the round."""
    return inbox.resolve_all(key_prefix=f"{ROUND_VOTE}:{round_.pk}:", note="投票已结束")
