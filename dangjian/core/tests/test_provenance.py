"""Audit provenance (issue 12 item 10): the request id is the server's, the client's address comes
from the proxy header only when that proxy is configured, and refused or out-of-scope attempts are
audited."""

import pytest
from django.urls import reverse

from dangjian.core.audit import verify
from dangjian.core.models import ChangeRecord

pytestmark = pytest.mark.django_db


def _last(action):
    return ChangeRecord.objects.filter(action=action).order_by("-id").first()


def test_the_request_id_is_the_servers_and_the_clients_is_kept_beside_it(tree, login):
    client = login(tree.secretary_a)
    member = tree.members["a"][0]
    first = client.post(reverse("members:reveal", args=[member.pk]), HTTP_X_REQUEST_ID="mine-1")
    second = client.post(reverse("members:reveal", args=[member.pk]), HTTP_X_REQUEST_ID="mine-1")
    assert first["X-Request-ID"] != "mine-1" and first["X-Request-ID"] != second["X-Request-ID"]
    records = ChangeRecord.objects.filter(request_id__in=[first["X-Request-ID"], second["X-Request-ID"]])
    assert records.count() == 2 and set(records.values_list("client_request_id", flat=True)) == {"mine-1"}
    client.get(reverse("members:list"), HTTP_X_REQUEST_ID="bad id\twith spaces")  # not printable: dropped
    assert verify()[1] is None


def _login_failure(client, **headers):
    """The address recorded for a failed login (each under another name: no lockout gets in the way)."""
    name = f"nobody{ChangeRecord.objects.count()}"
    client.post(reverse("accounts:login"), {"username": name, "password": "wrong-Pass-1"}, **headers)
    return _last("login_failed").address


def test_the_forwarded_address_is_ignored_unless_the_proxy_is_configured(tree, client, settings):
    settings.TRUSTED_PROXIES = []
    assert _login_failure(client, HTTP_X_FORWARDED_FOR="198.51.100.7") == "127.0.0.1"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]  # a proxy, but not the peer this request came from
    assert _login_failure(client, HTTP_X_FORWARDED_FOR="198.51.100.7") == "127.0.0.1"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _login_failure(client, HTTP_X_FORWARDED_FOR="198.51.100.7") == "198.51.100.7"
    # the client may prepend anything: only the entry the trusted proxy added counts
    assert _login_failure(client, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9") == "203.0.113.9"
    settings.TRUSTED_PROXIES = ["127.0.0.1", "203.0.113.0/24"]  # two proxies in a row
    assert _login_failure(client, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9") == "198.51.100.7"
    assert _login_failure(client, HTTP_X_FORWARDED_FOR="not-an-address") == "127.0.0.1"


def test_out_of_scope_reads_and_writes_are_audited(tree, login):
    client = login(tree.secretary_a)
    outside = tree.members["c"][0]
    assert client.get(reverse("members:detail", args=[outside.pk])).status_code == 404
    record = _last("denied")
    assert (record.actor, record.object_type, record.object_id) == (tree.secretary_a, "members.member", outside.pk)
    assert "超出管辖范围" in record.note and record.after["status"] == 404
    response = client.patch(f"/api/members/{outside.pk}", {"version": 1, "address": "x"},
                            content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
                            if "csrftoken" in client.cookies else "")
    assert response.status_code in (403, 404)
    assert ChangeRecord.objects.filter(action="denied", object_id=outside.pk).count() == 2
    missing = client.get(reverse("members:detail", args=[999999]))  # nothing there: not a refusal
    assert missing.status_code == 404 and ChangeRecord.objects.filter(action="denied").count() == 2
    assert verify()[1] is None


def test_refused_writes_and_forbidden_pages_are_audited(tree, login):
    client = login(tree.reader_town1)
    member = tree.members["a"][0]
    client.get(reverse("administration:audit"))
    record = _last("denied")
    assert record.actor == tree.reader_town1 and record.after["status"] == 403
    before = ChangeRecord.objects.filter(action="denied").count()
    client.post(reverse("members:edit", args=[member.pk]), {"name": "改名"})
    assert ChangeRecord.objects.filter(action="denied").count() == before + 1
    assert member.name == type(member).objects.get(pk=member.pk).name
