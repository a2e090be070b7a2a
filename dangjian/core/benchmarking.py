"""Helpers the apps' ``bench.py`` modules share: percentiles, milliseconds, a measured subprocess,
a settled database, the database time of a call, a figure beside the machine's limit, a gunicorn
and its throughput. Benchmarks print figures and never fail on a time.

Honesty rules every step follows (docs/benchmarks.md): each step starts on a settled database
(``settle``: VACUUM ANALYZE after the bulk changes of earlier steps, so no figure depends on the
order the steps ran in) and leaves the data as it found it; a child process's memory is its own
peak (VmHWM after exec), never a figure that includes the parent; and each figure that has a
natural limit on this machine (one GROUP BY, reading the file, the login page through the same
server) is printed beside that limit measured in the same run, with the ratio.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run_measured(module: str, args: list[str]) -> tuple[int, str, float]:
    """Run ``python -m module args`` in a child process; its exit code, its output, and the peak
    resident memory (MB) of that child alone.

    Neither ``wait4`` nor ``getrusage`` can give that figure on Linux: the kernel carries the
    high-water mark across ``exec``, so it includes the parent's memory at fork (315 MB when the
    import ran first, 823 MB after another step). The child therefore runs under
    ``dangjian.core.peakmemory``, which reports its own VmHWM — the mark of its post-exec address
    space only — just before it exits."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as out:
        report = Path(tmp) / "peak"
        argv = [sys.executable, "-m", "dangjian.core.peakmemory", str(report), module, *args]
        process = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=production_env(), check=False)
        out.seek(0)
        peak_kb = int(report.read_text()) if report.exists() else 0
        return process.returncode, out.read().decode(errors="replace"), peak_kb / 1024


def production_env() -> dict:
    """Subprocesses run as in production: with DEBUG on, Django keeps every SQL statement in
    memory, which is not what a server does."""
    return {**os.environ, "DANGJIAN_DEBUG": "0"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn 未能启动")


def worker_rss(master_pid: int) -> tuple[float, float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text().splitlines()
    values = {line.split(":")[0]: line.split()[1] for line in status if line.startswith(("VmRSS", "VmHWM"))}
    return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024


# -- a clean state ------------------------------------------------------------------------------

def settle() -> None:
    """Bring the planner's statistics and the tables' visibility maps up to date after bulk
    changes, as autovacuum would given time (the bench database may have none): every step then
    measures the same state whatever ran before it.

    Inside a transaction (the tests) VACUUM is not allowed, and ANALYZE is left out too: statistics
    taken from a transaction's uncommitted rows, between a step's inserts and deletes, gave the
    planner a picture that made one tiny report query run for minutes."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# -- the database's share of a call ---------------------------------------------------------------

@contextmanager
def database_time() -> Iterator[list[float]]:
    """Seconds spent executing SQL (the statement and its transfer) inside the block, in a list
    whose one element is filled in when the block ends."""
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    with connection.execute_wrapper(timed):
        yield spent


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    """The median of ``repeat`` timed runs after one unmeasured warm-up run."""
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


# -- a figure beside its limit --------------------------------------------------------------------

def versus(ours: float, limit: float, limit_label: str, *, unit: str = "ms", higher_is_better: bool = False) -> str:
    """The ratio column: how many times the limit our figure is, and the limit itself.
    For throughput (``higher_is_better``) the ratio is ours ÷ limit (1 would be as fast as the limit)."""
    shown = f"{limit * 1000:.0f} ms" if unit == "ms" else f"{limit:,.1f} {unit}"
    if limit <= 0:
        return f"{limit_label} {shown}"
    ratio = ours / limit
    return f"{ratio:.2f}×（{limit_label} {shown}）" if higher_is_better else f"{ratio:.1f}×（{limit_label} {shown}）"


# -- a server and its throughput ------------------------------------------------------------------

@contextmanager
def gunicorn(workers: int = 2) -> Iterator[tuple[int, int]]:
    """A production-like gunicorn (sync workers, DEBUG off) on a free port: yields (port, master pid)."""
    port = free_port()
    master = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "dangjian.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        env=production_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield port, master.pid
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer measured, not followed: a page that sends the client to the login
    page must show up as 302, never as the login page's 200."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, float]:
    """One GET, redirects not followed: the status and the seconds it took."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    started = time.perf_counter()
    try:
        with _OPENER.open(request, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def throughput(port: int, path: str, *, cookie: str = "", clients: int = 8,
               seconds: float = 3.0) -> tuple[float, float]:
    """Requests per second that ``clients`` concurrent clients get from ``path`` over about
    ``seconds``, and the median time of one request when a single client asks alone (the
    server's time plus a local round trip). A non-200 answer is an error, not a figure."""
    alone = [fetch(port, path, cookie) for _ in range(6)]
    for status, _ in alone:
        if status != 200:
            raise RuntimeError(f"{path} 返回 {status}")
    done = [0] * clients
    errors: list[int] = []
    deadline = time.perf_counter() + seconds

    def client(i: int) -> None:
        while time.perf_counter() < deadline:
            status, _ = fetch(port, path, cookie)
            if status != 200:
                errors.append(status)
                return
            done[i] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{path} 在负载下返回 {errors[0]}")
    return sum(done) / (time.perf_counter() - started), statistics.median(t for _, t in alone[1:])
