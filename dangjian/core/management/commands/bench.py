"""``dangjian bench``: the figures of the foundation issue, measured and written to docs/benchmarks.md.

Meant for PostgreSQL (``make bench`` points DATABASE_URL at a scratch database). Benchmarks are
separate from the tests: they print figures and never fail on a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import BaseCommand, call_command
from django.db import connection
from django.test import Client

from dangjian.accounts.models import Position
from dangjian.members.models import Member
from dangjian.orgs import queries as org_queries
from dangjian.orgs.models import Organization

BENCH_USER = "bench_city"
STEPS = ["list", "stats", "import", "worker", "decompose", "worklists", "orglife", "jobs", "inbox"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class Command(BaseCommand):
    help = "测量性能指标（建议在 PostgreSQL 上运行），结果打印并写入 docs/benchmarks.md"

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="city", choices=["tiny", "county", "city"])
        parser.add_argument("--reuse", action="store_true", help="已有数据时不重新生成")
        parser.add_argument("--requests", type=int, default=100, help="列表页请求次数")
        parser.add_argument("--import-rows", type=int, default=100_000)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))
        parser.add_argument("--only", nargs="*", choices=STEPS, help="只运行指定的测量项")

    def handle(self, *args, **opts):
        self.rows: list[tuple[str, str, str]] = []
        self._generate(opts["scale"], opts["reuse"])
        root = Organization.objects.filter(depth=1).order_by("path").first()
        user = self._bench_user(root)
        steps = {
            "list": lambda: self._member_list(user, opts["requests"]),
            "stats": lambda: self._statistics(root),
            "import": lambda: self._import(user, root, opts["import_rows"]),
            "worker": lambda: self._worker_memory(user),
            "decompose": self._decompose,
            "worklists": lambda: self._rows_from("dangjian.worklists.bench", "benchmark_worklists", root, user),
            "orglife": lambda: self._rows_from("dangjian.orglife.bench", "benchmark_orglife", root),
            "jobs": lambda: self._rows_from("dangjian.members.bench", "benchmark_roster_job", root, user),
            "inbox": lambda: self._rows_from("dangjian.inbox.bench", "benchmark_inbox", root, user),
        }
        for name in opts["only"] or STEPS:
            steps[name]()
        self._report(opts["output"], root)

    # -- steps ------------------------------------------------------------------------------------
    def _generate(self, scale: str, reuse: bool) -> None:
        if reuse and Organization.objects.exists():
            self.stdout.write("沿用已有数据")
            return
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("demo_data", scale=scale, seed=1, replace=True, stdout=quiet)
        self._add(f"dangjian demo-data --scale {scale}", f"{time.perf_counter() - started:.1f} s", "≤ 5 min")

    def _bench_user(self, root):
        user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
        Position.objects.get_or_create(user=user, org=root, role="superior_admin")
        return user

    def _member_list(self, user, count: int) -> None:
        """A city clerk's session on the member list: the first page, filters, searches, paging
        forward and the last page. The mix is written out in docs/benchmarks.md."""
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        root = user.positions.first().org
        total = Member.objects.filter(org__path__startswith=root.path).count()
        urls = member_list_mix(root, last_page=max(1, -(-total // 50)))
        for url in urls[:3]:
            client.get(url)
        timings = []
        for i in range(count):
            url = urls[i % len(urls)]
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        self._add(f"党员列表页（市级用户，{total:,} 名党员，{count} 次请求）p50", ms(percentile(timings, 50)), "")
        self._add("党员列表页 p95", ms(percentile(timings, 95)), "≤ 150 ms")

    def _statistics(self, root) -> None:
        for label, func, target in (
            ("根组织统计 subtree_statistics", org_queries.subtree_statistics, "≤ 500 ms"),
            ("根组织结构预警 subtree_warnings", org_queries.subtree_warnings, ""),
        ):
            func(root)
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                func(root)
                runs.append(time.perf_counter() - started)
            self._add(f"{label}（5 次中位数 / 最大）", f"{ms(statistics.median(runs))} / {ms(max(runs))}", target)

    def _import(self, user, root, rows: int) -> None:
        from dangjian.members.exporting import sample_member_rows, write_member_workbook

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "members.xlsx"
            codes = list(
                Organization.objects.filter(path__startswith=root.path, kind="branch").values_list("code", flat=True)
            )
            write_member_workbook(path, sample_member_rows(rows, org_codes=codes))
            size_mb = path.stat().st_size / 1e6
            before = Member.objects.count()
            marker = dt.datetime.now(dt.UTC)
            started = time.perf_counter()
            returncode, output, peak_mb = _run_measured(
                [sys.executable, "-m", "dangjian.cli", "import-members", str(path), "--user", user.username]
            )
            elapsed = time.perf_counter() - started
            if returncode != 0:
                self.stderr.write(output[-4000:])
            created = Member.objects.count() - before
            label = f"导入 {rows:,} 行党员（{size_mb:.1f} MB，新增 {created:,}，含进程启动）"
            self._add(label, f"{elapsed:.1f} s", "≤ 60 s")
            self._add("导入进程峰值内存（RSS）", f"{peak_mb:.0f} MB", "≤ 400 MB")
            Member.objects.filter(created_at__gte=marker).delete()

    def _worker_memory(self, user) -> None:
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        port = _free_port()
        master = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "dangjian.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}"],
            env=_production_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(port)
            root_id = Organization.objects.filter(depth=1).values_list("pk", flat=True).first()
            paths = ["/", "/members/", "/orgs/", f"/orgs/{root_id}/", "/members/?page=50", "/api/members/?limit=50"]
            for i in range(60):
                request = urllib.request.Request(f"http://127.0.0.1:{port}{paths[i % len(paths)]}")
                request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
                urllib.request.urlopen(request, timeout=60).read()
            rss, hwm = _worker_rss(master.pid)
            self._add("单个服务进程（gunicorn worker）常驻内存，60 次页面请求后 / 峰值", f"{rss:.0f} MB / {hwm:.0f} MB",
                      "≤ 200 MB")
        finally:
            master.send_signal(signal.SIGTERM)
            master.wait(timeout=30)

    def _decompose(self) -> None:
        from dangjian.worklists.decompose import benchmark_decompose

        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            best = benchmark_decompose()
        self._add("分解 10,000 字讲话（5 次中最快）", ms(best), "≤ 1 s")

    def _rows_from(self, module: str, function: str, *args) -> None:
        """The benchmark rows another app measures for itself (label, value, target)."""
        try:
            measure = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError):
            self.stderr.write(f"{module}.{function} 不存在，跳过")
            return
        for row in measure(*args):
            self._add(*row)

    # -- output -----------------------------------------------------------------------------------
    def _add(self, what: str, value: str, target: str) -> None:
        self.rows.append((what, value, target))
        self.stdout.write(f"{what}: {value} {('（目标 ' + target + '）') if target else ''}")

    def _report(self, output: str, root) -> None:
        orgs = Organization.objects.filter(path__startswith=root.path).count()
        members = Member.objects.filter(org__path__startswith=root.path).count()
        head = (
            f"# 性能测量\n\n由 `make bench`（`dangjian bench`）生成于 {dt.date.today():%Y-%m-%d}。"
            f"数据库：{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}；"
            f"{os.cpu_count()} 核；Python {platform.python_version()}；"
            f"数据：{orgs:,} 个党组织、{members:,} 名党员。\n\n"
            "| 项目 | 测得 | 目标 |\n| --- | --- | --- |\n"
        )
        table = "".join(f"| {a} | {b} | {c} |\n" for a, b, c in self.rows)
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        table += (
            f"\n测量结束时的系统负载（1/5/15 分钟）：{load}。\n\n"
            "说明：\n\n"
            "- 党员列表页：以市级上级管理员身份、同一进程内的 Django 测试客户端请求"
            "（含会话、权限、计数、分页、模板渲染），"
            "请求按一名组织部干部的典型操作循环：首页、翻页（第2、3、10页和末页）、按性别/类型/年龄段/学历/失联/流动/"
            "离退休筛选、按姓名和完整身份证号查询、按县和乡镇范围查看。\n"
            "- 统计和预警：直接调用 `subtree_statistics` / `subtree_warnings`，先预热一次，再测 5 次。\n"
            "- 导入：`dangjian import-members` 子进程（DEBUG 关闭），从进程启动到提交事务；"
            "峰值内存为子进程最大常驻内存；"
            "导入的党员在测量后删除。\n"
            "- 服务进程内存：gunicorn 单 worker，请求首页、党员列表、组织体系、根组织页面和 API 共 60 次后读取 "
            "/proc 中的 VmRSS（当前）和 VmHWM（峰值）。\n"
            "- 后台任务导出名册：以市级上级管理员身份提交全市名册导出任务，由 `dangjian worker --once` 子进程"
            "（DEBUG 关闭）执行；时间为任务记录的开始到完成，内存为该子进程的最大常驻内存；任务和文件在测量后删除。\n"
            "- 待办计数：导航栏每页执行的计数（未办结数和未读数，一条语句），市、县、乡镇、支部各一名用户，"
            "各 200 次；之后测量全部待办来源的每日刷新一次。\n"
        )
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(head + table, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}"))


def member_list_mix(root, *, last_page: int) -> list[str]:
    county = Organization.objects.filter(parent=root).order_by("path").first() or root
    town = Organization.objects.filter(parent=county).order_by("path").first() or county
    sample = Member.objects.filter(org__path__startswith=town.path).order_by("id").first()
    search_id = sample.reveal_id_number() if sample else ""
    return [
        "/members/", "/members/?page=2", "/members/?gender=F", "/members/?q=张",
        "/members/", "/members/?page=3", "/members/?membership_type=probationary", "/members/?q=王建",
        "/members/", "/members/?page=10", "/members/?age_band=36至45岁", f"/members/?q={search_id}",
        "/members/", f"/members/?page={last_page}", "/members/?education=university", "/members/?lost_contact=1",
        f"/members/?org={county.pk}", f"/members/?org={town.pk}&gender=F", "/members/?flow_status=out",
        "/members/?retired=1&page=2",
    ]


def _run_measured(argv: list[str]) -> tuple[int, str, float]:
    """Run a command; its exit code, its output, and the peak resident memory (MB) of that one
    process, from wait4 — not of every child this process ever had."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=_production_env())
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return process.returncode, out.read().decode(errors="replace"), usage.ru_maxrss / 1024


def _production_env() -> dict:
    """Subprocesses run as in production: with DEBUG on, Django keeps every SQL statement in
    memory, which is not what a server does."""
    return {**os.environ, "DANGJIAN_DEBUG": "0"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn 未能启动")


def _worker_rss(master_pid: int) -> tuple[float, float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text().splitlines()
    values = {line.split(":")[0]: line.split()[1] for line in status if line.startswith(("VmRSS", "VmHWM"))}
    return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024
