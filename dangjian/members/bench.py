"""Bench steps of the member registry: the member list as a city clerk uses it (``list``), an
import of a large workbook in its own process (``import``), and the whole roster exported as a
background job run by ``dangjian worker --once`` in its own process (``roster_job``)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from django.test import Client

from dangjian.core.benchmarking import median_seconds, ms, percentile, run_measured, versus
from dangjian.core.crypto import DecryptionError
from dangjian.core.registry import register_bench
from dangjian.jobs.actions import job_start
from dangjian.jobs.choices import JobState
from dangjian.jobs.models import Job
from dangjian.orgs.models import Organization

from .io.exporting import sample_member_rows, write_member_workbook
from .jobs import ROSTER
from .models import Member


def member_list_mix(root, *, last_page: int) -> list[str]:
    county = Organization.objects.filter(parent=root).order_by("path").first() or root
    town = Organization.objects.filter(parent=county).order_by("path").first() or county
    sample = Member.objects.filter(org__path__startswith=town.path).order_by("id").first()
    try:
        search_id = sample.reveal_id_number() if sample else ""
    except DecryptionError:  # a copy of the dataset without the key it was sealed with: search by name
        search_id = sample.name
    return [
        "/members/", "/members/?page=2", "/members/?gender=F", "/members/?q=张",
        "/members/", "/members/?page=3", "/members/?membership_type=probationary", "/members/?q=王建",
        "/members/", "/members/?page=10", "/members/?age_band=36至45岁", f"/members/?q={search_id}",
        "/members/", f"/members/?page={last_page}", "/members/?education=university", "/members/?lost_contact=1",
        f"/members/?org={county.pk}", f"/members/?org={town.pk}&gender=F", "/members/?flow_status=out",
        "/members/?retired=1&page=2",
    ]


def settled(client, url: str) -> str:
    """The address that shows ``url``'s page: a search term never stays in the address bar (the
    list stores it in the session and redirects to ``?s=<key>``), so a search is asked once and
    its result page is what the clerk then pages through and reloads."""
    response = client.get(url)
    if response.status_code in (302, 303):
        return response["Location"]
    return url


def member_list(ctx) -> list[tuple[str, str, str]]:
    """A city clerk's session on the member list: the first page, filters, searches, paging
    forward and the last page."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(ctx.user)
    total = Member.objects.filter(org__path__startswith=ctx.root.path).count()
    urls = [settled(client, url) for url in member_list_mix(ctx.root, last_page=max(1, -(-total // 50)))]
    for url in urls[:3]:
        client.get(url)
    timings = []
    for i in range(ctx.requests):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return [
        (f"党员列表页（市级用户，{total:,} 名党员，{ctx.requests} 次请求）p50", ms(percentile(timings, 50)), ""),
        ("党员列表页 p95", ms(percentile(timings, 95)), "≤ 150 ms"),
    ]


def calamine_read(path: Path) -> None:
    """The limit of an import: reading every cell of the file with python-calamine and nothing else."""
    from python_calamine import CalamineWorkbook

    for _ in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
        pass


def member_import(ctx) -> list[tuple[str, ...]]:
    rows = ctx.import_rows
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.xlsx"
        codes = list(
            Organization.objects.filter(path__startswith=ctx.root.path, kind="branch").values_list("code", flat=True)
        )
        write_member_workbook(path, sample_member_rows(rows, org_codes=codes))
        size_mb = path.stat().st_size / 1e6
        read = median_seconds(lambda: calamine_read(path), repeat=3)
        before = Member.objects.count()
        marker = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        returncode, output, peak_mb = run_measured(
            "dangjian.cli", ["import-members", str(path), "--user", ctx.user.username]
        )
        elapsed = time.perf_counter() - started
        if returncode != 0:
            ctx.warn(output[-4000:])
        created = Member.objects.count() - before
        # the step leaves the data as it found it (the audit records of the import stay: the log is append-only)
        Member.objects.filter(created_at__gte=marker).delete()
    label = f"导入 {rows:,} 行党员（{size_mb:.1f} MB，新增 {created:,}，含进程启动）"
    return [
        ("极限：用 python-calamine 读出同一文件的全部单元格（3 次中位数）", f"{read:.2f} s", ""),
        (label, f"{elapsed:.1f} s", "≤ 15× 读取", versus(elapsed, read, "读取", unit="s")),
        ("导入进程峰值内存（该进程自身的 VmHWM）", f"{peak_mb:.0f} MB", "≤ 400 MB"),
    ]


def roster_job(ctx) -> list[tuple[str, str, str]]:
    """The root's whole roster (about 120,000 members in the city) as a background job, timed from
    the job's start to its end; the memory is the worker process's peak. Job and file removed after."""
    job = job_start(acting_user=ctx.user, kind=ROSTER, title="性能测试：全部党员名册", params={"filters": {}})
    # the job alone: a day's scheduled work (the 待办 refresh, a minute at city scale) would otherwise
    # run in the same process first and count in its time and memory
    returncode, output, peak_mb = run_measured("dangjian.cli", ["worker", "--once", "--no-schedule"])
    job.refresh_from_db()
    try:
        if returncode != 0 or job.state != JobState.DONE:
            ctx.warn(output[-4000:] + f"\n{job.get_state_display()}：{job.message}")
            return [("党员名册导出后台任务", f"失败：{job.message}", "≤ 60 s，≤ 300 MB")]
        seconds = (job.finished_at - job.started_at).total_seconds()
        size_mb = job.result_file.size / 1e6
        return [
            (f"后台任务导出党员名册 {job.result_rows:,} 行（{size_mb:.1f} MB xlsx），任务开始到完成",
             f"{seconds:.1f} s", "≤ 60 s"),
            ("该任务的处理进程峰值内存（RSS，含进程启动）", f"{peak_mb:.0f} MB", "≤ 300 MB"),
        ]
    finally:
        if job.result_file:
            job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).delete()


register_bench("list", member_list, after=("data",), notes=(
    "党员列表页：以市级上级管理员身份、同一进程内的 Django 测试客户端请求（含会话、权限、计数、分页、模板渲染），"
    "请求按一名组织部干部的典型操作循环：首页、翻页（第2、3、10页和末页）、按性别/类型/年龄段/学历/失联/流动/"
    "离退休筛选、按姓名和完整身份证号查询、按县和乡镇范围查看。查询条件不出现在网址中：每种查询先提交一次"
    "（转到 `?s=<编号>`），计时的是查询结果页。"))
register_bench("import", member_import, after=("data",), notes=(
    "导入：`dangjian import-members` 子进程（DEBUG 关闭），从进程启动到提交事务；峰值内存是导入进程自己在 exec "
    "之后的 VmHWM（由 `dangjian.core.peakmemory` 在进程退出前读取 /proc/self/status；`wait4` 的数字包含 fork 时父进程的"
    "内存，不用）；极限是在同一次运行中用 python-calamine 读出同一文件的全部单元格；导入的党员在测量后删除。"))
register_bench("roster_job", roster_job, after=("data",), notes=(
    "后台任务导出名册：以顶层组织的上级管理员身份提交全部党员名册的导出任务，由 `dangjian worker --once` 子进程"
    "（DEBUG 关闭）执行；时间为任务记录的开始到完成，内存为该子进程的最大常驻内存；任务和文件在测量后删除。"))
