import datetime as dt
from types import SimpleNamespace

import pytest

from dangjian.core.actors import SYSTEM
from dangjian.testing import make_member, make_user

from .. import actions


@pytest.fixture
def side(tree):
    """Community b (新华社区) and the hospital branch c: a doctor (in service) and a retiree of c, and
    the users of both sides (secretary_b for the community, secretary_c for the member's branch)."""
    doctor = make_member(tree.c, name="钱医生", category="professional")
    retiree = make_member(tree.c, name="老郑", category="retired", retired=True, birth=dt.date(1950, 1, 1))
    return SimpleNamespace(doctor=doctor, retiree=retiree, secretary_c=make_user("secretary_c", org=tree.c),
                           member_user=_link(doctor))


def _link(member):
    user = make_user("qian")
    type(member).objects.filter(pk=member.pk).update(user=user)
    member.user_id = user.pk
    return user


@pytest.fixture
def accepted(tree, side):
    report = actions.report_request(acting_user=side.member_user, member=side.doctor, community=tree.b,
                                    reported_on=dt.date.today() - dt.timedelta(days=100))
    return actions.report_accept(acting_user=tree.secretary_b, report=report, expected_version=report.version)


__all__ = ["SYSTEM"]
