"""Background jobs: queued in the database, run by the worker as the person who asked, with
progress, a Chinese message on failure, and a download only that person may take (audited)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangjian.accounts.models import Position
from dangjian.core.models import ChangeRecord
from dangjian.jobs import periodic
from dangjian.jobs.actions import job_start
from dangjian.jobs.choices import JobState
from dangjian.jobs.context import open_params
from dangjian.jobs.kinds import JobFailed, register
from dangjian.jobs.models import Job, PeriodicRun
from dangjian.jobs.recovery import ABANDONED, fail_abandoned
from dangjian.jobs.testing import run_jobs

pytestmark = pytest.mark.django_db


@register("test.fails", "测试：失败")
def _fails(context):
    context.progress(1, 4, "处理到一半")
    raise JobFailed("第 3 行的组织代码不存在")


@register("test.crashes", "测试：崩溃")
def _crashes(context):
    raise RuntimeError("boom")


def _roster_job(client):
    response = client.get(reverse("members:export"))
    assert response.status_code == 302
    return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_export_is_queued_then_run_by_the_worker_with_progress(tree, login):
    client = login(tree.secretary_a)
    job = _roster_job(client)
    # Queued in the database, beside its queue entry: nothing runs inside the request.
    assert job.state == JobState.QUEUED and DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "排队中" in html and 'hx-trigger="every 1s"' in html
    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done == job.total == len(tree.members["a"]) == job.result_rows
    assert job.percent == 100 and job.started_at and job.finished_at
    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and reverse("jobs:download", args=[job.pk]) in fragment
    assert 'value="100"' in fragment


def test_download_is_the_owners_alone_and_audited(tree, login, client):
    job = _roster_job(login(tree.secretary_a))
    run_jobs()
    client.force_login(tree.county_admin)  # sees branch A's members, but did not ask for this file
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert job.title not in client.get(reverse("jobs:list")).content.decode()
    client.force_login(tree.secretary_a)
    before = ChangeRecord.objects.filter(action="export").count()
    response = client.get(reverse("jobs:download", args=[job.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 1 + len(tree.members["a"])
    record = ChangeRecord.objects.filter(action="export").latest("id")
    assert ChangeRecord.objects.filter(action="export").count() == before + 1
    assert record.actor == tree.secretary_a and record.object_type == "members.member"
    assert ChangeRecord.objects.filter(action="job_start", object_id=job.pk).exists()


def test_a_job_runs_with_the_scope_its_owner_has_when_it_runs(tree, login):
    job = _roster_job(login(tree.secretary_a))
    Position.objects.filter(user=tree.secretary_a).delete()
    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result_rows == 0


def test_report_job_fails_in_chinese_when_the_org_left_the_scope(tree, login):
    client = login(tree.secretary_a)
    response = client.get(reverse("orglife:report_xlsx"), {"year": 2026})
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    Position.objects.filter(user=tree.secretary_a).delete()
    run_jobs()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.message == "该党组织已不在您的管辖范围内，未生成报表"
    assert "失败" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_failures_are_reported_in_chinese(tree):
    failing = job_start(acting_user=tree.secretary_a, kind="test.fails", title="会失败的任务")
    crashing = job_start(acting_user=tree.secretary_a, kind="test.crashes", title="会崩溃的任务")
    run_jobs()
    failing.refresh_from_db()
    crashing.refresh_from_db()
    assert failing.state == JobState.FAILED and failing.message == "第 3 行的组织代码不存在"
    assert failing.done == 1 and failing.total == 4
    assert crashing.state == JobState.FAILED and "内部错误" in crashing.message and "boom" not in crashing.message
    assert f"任务编号 {crashing.pk}" in crashing.message


def test_params_are_sealed_at_rest(tree):
    job = job_start(acting_user=tree.secretary_a, kind="members.roster", title="名册",
                    params={"filters": {"q": "110101198005170011"}})
    assert "110101198005170011" not in job.params_encrypted
    assert open_params(job.params_encrypted) == {"filters": {"q": "110101198005170011"}}


def test_a_job_left_running_by_a_dead_worker_is_failed_when_a_worker_starts(tree):
    job = job_start(acting_user=tree.secretary_a, kind="members.roster", title="名册")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    assert fail_abandoned() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.message == ABANDONED


def test_unknown_kind_is_refused(tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        job_start(acting_user=tree.secretary_a, kind="nope", title="x")


def test_daily_tasks_are_queued_once_per_day_after_their_hour(db):
    names = {s.name for s in periodic.schedules() if not s.hourly}  # hourly ones wait for minute 15
    assert {"inbox.refresh", "orglife.scan"} <= names
    day = dt.date(2026, 11, 2)
    early = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 10)))  # before every daily task (and minute 15)
    late = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 0)))
    assert periodic.enqueue_due(early) == []
    first = periodic.enqueue_due(late)
    assert {r.name for r in first} == names and all(r.run_key == "2026-11-02" for r in first)
    assert periodic.enqueue_due(late) == []  # a second worker, or a second round: nothing more
    assert PeriodicRun.objects.count() == len(names)
    assert DBTaskResult.objects.filter(id__in=[r.task_id for r in first]).count() == len(names)
    next_day = late + dt.timedelta(days=1)
    assert len(periodic.enqueue_due(next_day)) == len(names)


def test_hourly_tasks_are_queued_once_per_hour_after_their_minute(db):
    hourly = {s.name for s in periodic.schedules() if s.hourly}
    assert "accounts.purge_sessions" in hourly
    at = lambda h, m: timezone.make_aware(dt.datetime(2026, 11, 2, h, m))  # noqa: E731
    assert not hourly & {r.name for r in periodic.enqueue_due(at(9, 14))}
    first = {r.name: r.run_key for r in periodic.enqueue_due(at(9, 15))}
    assert all(first[name] == "2026-11-02T09" for name in hourly)
    assert not hourly & {r.name for r in periodic.enqueue_due(at(9, 59))}
    assert hourly <= {r.name for r in periodic.enqueue_due(at(10, 20))}


def test_the_hourly_purge_removes_expired_sessions(db):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from dangjian.accounts.tasks import purge_sessions

    stale = SessionStore()
    stale.set_expiry(-60)
    stale.create()
    live = SessionStore()
    live.create()
    assert purge_sessions.call()["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_old_results_are_removed_with_their_jobs(tree, login):
    from dangjian.jobs.tasks import RETENTION_DAYS, remove_old_results

    old = _roster_job(login(tree.secretary_a))
    recent = _roster_job(login(tree.secretary_a))
    run_jobs()
    old.refresh_from_db()
    path = old.result_file.path
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=RETENTION_DAYS + 1))
    assert remove_old_results.call() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    import os

    assert not os.path.exists(path)


def test_worker_once_without_schedule_runs_only_what_is_queued(db):
    """``worker --once --no-schedule`` (the bench's roster measurement) leaves the day's scheduled
    tasks for the real worker; plain ``--once`` queues and runs them."""
    from django.core.management import call_command

    call_command("worker", once=True, no_schedule=True)
    assert not PeriodicRun.objects.exists()
    due = [s.name for s in periodic.schedules() if periodic.due_key(s, timezone.now())]
    call_command("worker", once=True)
    assert sorted(PeriodicRun.objects.values_list("name", flat=True)) == sorted(due)
