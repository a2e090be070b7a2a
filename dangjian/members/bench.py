"""Benchmark of the roster export for ``dangjian bench``: the whole city's roster (about 120,000
members) exported as a background job, run by ``dangjian worker --once`` in a process of its own,
timed from the job's start to its end and measured for peak memory. The job and its file are
removed after."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from dangjian.jobs.actions import job_start
from dangjian.jobs.choices import JobState
from dangjian.jobs.models import Job

from .jobs import ROSTER


def _run_worker_once() -> tuple[int, str, float]:
    """Exit code, output and peak resident memory (MB) of one ``dangjian worker --once`` process."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen([sys.executable, "-m", "dangjian.cli", "worker", "--once"], stdout=out,
                                   stderr=subprocess.STDOUT, env={**os.environ, "DANGJIAN_DEBUG": "0"})
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        return os.waitstatus_to_exitcode(status), out.read().decode(errors="replace"), usage.ru_maxrss / 1024


def benchmark_roster_job(root, user) -> list[tuple[str, str, str]]:
    job = job_start(acting_user=user, kind=ROSTER, title="性能测试：全市党员名册", params={"filters": {}})
    code, output, peak_mb = _run_worker_once()
    job.refresh_from_db()
    try:
        if code != 0 or job.state != JobState.DONE:
            sys.stderr.write(output[-4000:] + f"\n{job.state} {job.message}\n")
            return [("党员名册导出后台任务", f"失败：{job.message}", "≤ 60 s，≤ 300 MB")]
        seconds = (job.finished_at - job.started_at).total_seconds()
        size_mb = job.result_file.size / 1e6
        return [
            (f"后台任务导出全市党员名册 {job.result_rows:,} 行（{size_mb:.1f} MB xlsx），任务开始到完成",
             f"{seconds:.1f} s", "≤ 60 s"),
            ("该任务的处理进程峰值内存（RSS，含进程启动）", f"{peak_mb:.0f} MB", "≤ 300 MB"),
        ]
    finally:
        if job.result_file:
            job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).delete()
