from types import SimpleNamespace

import pytest

from dangjian.accounts.choices import Duty
from dangjian.accounts.models import AdminDuty
from dangjian.testing import make_user


@pytest.fixture
def admins(tree):
    """The three 三员 administrators (no positions), next to the small tree's users."""
    out = {}
    for name, duty in (("sysadmin", Duty.SYSTEM), ("secadmin", Duty.SECURITY), ("auditadmin", Duty.AUDIT)):
        user = make_user(name)
        AdminDuty.objects.create(user=user, duty=duty)
        out[duty.value] = user
    return SimpleNamespace(system=out["system"], security=out["security"], audit=out["audit"])
