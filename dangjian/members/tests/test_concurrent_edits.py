"""No lost updates under real concurrency (PostgreSQL): two threads, each with its own database
connection and transaction, load the same record at the same version, wait until both have read,
then both save. Exactly one wins; the other gets the version conflict; the stored record holds the
winner's change and its version went up once."""

import threading

import pytest
from django.db import connection, connections

from dangjian.core.errors import VersionConflict
from dangjian.members.actions import member_update
from dangjian.members.models import Member
from dangjian.worklists import actions as worklist_actions
from dangjian.worklists.models import WorkItem
from dangjian.worklists.testing import make_item

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs concurrent transactions on separate connections (PostgreSQL); "
                              "SQLite serialises writers on one file lock"),
]
ROUNDS = 5
JOIN_TIMEOUT = 60


def race(load, save, values):
    """Run ``save(load(), value)`` in one thread per value, both loads done before either save.
    Returns {value: "ok" | VersionConflict | other exception}."""
    barrier = threading.Barrier(len(values))
    outcome = {}

    def worker(value):
        try:
            record = load()
            barrier.wait(timeout=JOIN_TIMEOUT)
            save(record, value)
            outcome[value] = "ok"
        except Exception as exc:  # noqa: BLE001 - the test asserts on what each thread got
            outcome[value] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(v,)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (lock never released)"
    return outcome


def one_winner(outcome):
    winners = [v for v, result in outcome.items() if result == "ok"]
    losers = [result for result in outcome.values() if result != "ok"]
    assert len(winners) == 1, outcome
    assert len(losers) == 1 and isinstance(losers[0], VersionConflict), outcome
    return winners[0], losers[0]


def test_two_people_saving_the_same_member_at_once(tree):
    member = tree.members["a"][0]
    for round_no in range(ROUNDS):
        start = Member.objects.get(pk=member.pk).version

        def load():
            return Member.objects.get(pk=member.pk)

        def save(loaded, value, start=start):
            assert loaded.version == start  # both read the same version
            member_update(acting_user=tree.secretary_a, member=loaded, expected_version=loaded.version,
                          work_unit=value)

        outcome = race(load, save, [f"第{round_no}轮甲单位", f"第{round_no}轮乙单位"])
        winner, conflict = one_winner(outcome)
        stored = Member.objects.get(pk=member.pk)
        assert stored.work_unit == winner
        assert stored.version == start + 1
        assert conflict.current["work_unit"] == winner  # the loser is shown what the winner saved
        assert conflict.submitted["work_unit"] != winner


def test_two_people_saving_the_same_work_item_at_once(tree):
    item = make_item(tree.a, "红星村党支部组织生活不规范")
    for round_no in range(ROUNDS):
        start = WorkItem.objects.get(pk=item.pk).version

        def load():
            return WorkItem.objects.get(pk=item.pk)

        def save(loaded, value, start=start):
            assert loaded.version == start
            worklist_actions.item_update(acting_user=tree.secretary_a, item=loaded,
                                         expected_version=loaded.version, leader=value)

        outcome = race(load, save, [f"甲{round_no}", f"乙{round_no}"])
        winner, conflict = one_winner(outcome)
        stored = WorkItem.objects.get(pk=item.pk)
        assert stored.leader == winner
        assert stored.version == start + 1
        assert conflict.current["version"] == start + 1


def test_an_edit_racing_a_claim_of_the_same_work_item(tree):
    """Different actions on one item check the same version: an edit and a claim made from the same
    page state cannot both go through."""
    item = make_item(tree.a, "红星村党员活动室未挂牌")
    start = item.version

    def load():
        return WorkItem.objects.get(pk=item.pk)

    def save(loaded, value):
        if value == "claim":
            worklist_actions.item_claim(acting_user=tree.secretary_a, item=loaded, expected_version=loaded.version)
        else:
            worklist_actions.item_update(acting_user=tree.secretary_a, item=loaded,
                                         expected_version=loaded.version, leader=value)

    outcome = race(load, save, ["claim", "王书记"])
    winner, _ = one_winner(outcome)
    stored = WorkItem.objects.get(pk=item.pk)
    assert stored.version == start + 1
    if winner == "claim":
        assert stored.state != item.state and stored.leader == item.leader
    else:
        assert stored.state == item.state and stored.leader == "王书记"
