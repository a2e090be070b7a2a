"""The demo's plain member login: linked to a member of the secretary's branch, no position, one
pending correction request for the secretary to decide."""

import pytest
from django.urls import reverse

from dangjian.accounts.models import Position
from dangjian.home.demo_accounts import DEMO_PASSWORD
from dangjian.home.tests.test_demo import demo_accounts, tiny, tiny_built  # noqa: F401 (fixtures)
from dangjian.members.choices import CorrectionStatus
from dangjian.members.models import CorrectionRequest, Member


@pytest.mark.usefixtures("tiny")
def test_demo_member_sees_own_record_and_the_secretary_a_pending_request(client):
    out = demo_accounts()
    member = Member.objects.select_related("user", "org").get(user__username="member")
    secretary = Position.objects.get(user__username="secretary")
    assert member.org == secretary.org and not Position.objects.filter(user=member.user).exists()
    assert "\nmember " in out and "/members/me/" in out
    assert client.login(username="member", password=DEMO_PASSWORD)
    assert client.get(reverse("home:home"))["Location"] == reverse("members:me")
    assert member.name in client.get(reverse("members:me")).content.decode()
    client.logout()
    request = CorrectionRequest.objects.get(status=CorrectionStatus.PENDING)
    assert request.member == member
    assert client.login(username="secretary", password=DEMO_PASSWORD)
    assert "更正申请待处理：1 件" in client.get(reverse("home:home")).content.decode()
    demo_accounts()  # again: the same member, still one pending request
    assert Member.objects.get(user__username="member").pk == member.pk
    assert CorrectionRequest.objects.count() == 1
