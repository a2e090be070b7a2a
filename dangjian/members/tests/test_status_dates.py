"""Status changes carry the day they took effect; existing statuses got the best date at hand."""

import datetime as dt
import importlib

from django.apps import apps
from django.utils import timezone

from dangjian.core.actors import SYSTEM
from dangjian.core.history import change_record, record_changes
from dangjian.members.models import Member, StatusChange

migration = importlib.import_module("dangjian.members.migrations.0005_status_change_dates")


def test_the_api_dates_a_status_change(tree, login):
    member = tree.members["a"][0]
    response = login(tree.county_admin).patch(
        f"/api/members/{member.pk}", {"version": member.version, "status": "deceased",
                                      "status_effective_on": "2026-03-05"}, content_type="application/json")
    assert response.status_code == 200
    change = StatusChange.objects.get(member=member)
    assert (change.status_from, change.status_to, change.effective_on) == ("normal", "deceased", dt.date(2026, 3, 5))


def test_a_change_without_a_date_takes_effect_today(tree):
    from dangjian.members.actions import member_update

    member_update(acting_user=SYSTEM, member=tree.members["b"][0], status="left")
    assert StatusChange.objects.get().effective_on == timezone.localdate()


def test_existing_statuses_are_dated_from_the_audit_record(tree):
    recorded, unrecorded = tree.members["c"][0], tree.members["c"][1]
    Member.objects.filter(pk__in=[recorded.pk, unrecorded.pk]).update(status="deceased")
    # the audit log is append-only (a trigger on PostgreSQL): the old record is written with its old time
    record = change_record(actor=SYSTEM, action="member_update", obj=recorded, before={"status": "normal"},
                           after={"status": "deceased"})
    record.at = dt.datetime(2024, 2, 3, 10, tzinfo=dt.UTC)
    record_changes([record])
    Member.objects.filter(pk=unrecorded.pk).update(updated_at=dt.datetime(2025, 6, 7, 10, tzinfo=dt.UTC))
    migration.date_existing_statuses(apps, None)
    dates = dict(StatusChange.objects.values_list("member_id", "effective_on"))
    assert dates == {recorded.pk: dt.date(2024, 2, 3), unrecorded.pk: dt.date(2025, 6, 7)}
