"""The tables of the load test's report (Markdown): locust's figures, the service times from
gunicorn's access log, the write accounting, the set-up. Used by ``run.py``."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path


def stats_table(result: dict) -> str:
    head = ("| 请求 | 次数 | 失败 | p50 ms | p95 ms | p99 ms | 最大 ms | 每秒 |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    entries = sorted(result["entries"], key=lambda e: (e["name"], e["method"]))
    body = [_stats_row(f"`{e['method']} {e['name']}`", e) for e in entries]
    return "\n".join([head, *body, _stats_row("**合计**", result["total"])])


def _stats_row(label: str, e: dict) -> str:
    return (f"| {label} | {e['requests']} | {e['failures']} | {e['p50']:.0f} | {e['p95']:.0f} | {e['p99']:.0f} "
            f"| {e['max']:.0f} | {e['rps']:.1f} |")


def access_lines(access_log: Path) -> list[str]:
    return access_log.read_text(errors="replace").splitlines() if access_log.exists() else []


def service_table(lines: list[str]) -> str:
    """Time spent inside a gunicorn worker per request (access log ``%(D)s``), by method and path
    with ids folded: what the application itself costs, apart from waiting for a free worker."""
    times: dict[str, list[float]] = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[3].isdigit():
            key = f"{parts[0]} {re.sub(r'/[0-9]+(?=/|$)', '/[id]', parts[1])}"
            times.setdefault(key, []).append(int(parts[3]) / 1000)
    head = ("| 请求（服务器内） | 次数 | p50 ms | p95 ms | p99 ms |\n"
            "| --- | ---: | ---: | ---: | ---: |")
    every = [t for ts in times.values() for t in ts]
    body = [_service_row(f"`{k}`", v) for k, v in sorted(times.items())]
    return "\n".join([head, *body, _service_row("**合计**", every)]) if every else "（无访问日志）"


def _service_row(label: str, values: list[float]) -> str:
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return f"| {label} | {len(ordered)} | {pct(0.5):.0f} | {pct(0.95):.0f} | {pct(0.99):.0f} |"


def writes_table(lines) -> str:
    head = "| 写操作 | locust 计为成功 | 数据库中的记录 | 审计日志 | 一致 |\n| --- | ---: | ---: | ---: | :---: |"
    body = [f"| {x.label} | {x.reported} | {x.rows} | {x.audit} | {'✓' if x.ok else '✗'} |" for x in lines]
    return "\n".join([head, *body])


def environment(args, loads: list[float], before: float) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    from importlib.metadata import version

    peak = f"{max(loads):.2f}" if loads else "-"
    mean = f"{sum(loads) / len(loads):.2f}" if loads else "-"
    return (f"- 机器：{os.cpu_count()} 核，{platform.system()} {platform.release()}；"
            f"Python {platform.python_version()}，PostgreSQL {pg}，"
            f"gunicorn {version('gunicorn')}（{args.workers} 个同步 worker），locust {version('locust')}\n"
            f"- 负载：{args.users} 个用户，每秒启动 {args.spawn_rate:g} 个，持续 {args.duration} s，"
            f"思考时间 {args.wait.replace(',', '–')} s，规模 {args.scale}\n"
            f"- 系统负载（1 分钟平均）：开始前 {before:.2f}，运行中平均 {mean}，最高 {peak}")
