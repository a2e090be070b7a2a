"""The bench step of the whole server: one gunicorn worker's resident memory after a round of pages."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from dangjian.core.benchmarking import free_port, production_env, wait_for_port, worker_rss
from dangjian.core.registry import register_bench


def worker_memory(ctx) -> list[tuple[str, str, str]]:
    session = SessionStore()
    session["_auth_user_id"] = str(ctx.user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = ctx.user.get_session_auth_hash()
    session.create()
    port = free_port()
    master = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "dangjian.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{port}"],
        env=production_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        paths = ["/", "/members/", "/orgs/", f"/orgs/{ctx.root.pk}/", "/members/?page=50", "/api/members/?limit=50"]
        for i in range(60):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{paths[i % len(paths)]}")
            request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
            urllib.request.urlopen(request, timeout=60).read()
        rss, hwm = worker_rss(master.pid)
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=30)
    return [("单个服务进程（gunicorn worker）常驻内存，60 次页面请求后 / 峰值", f"{rss:.0f} MB / {hwm:.0f} MB",
             "≤ 200 MB")]


register_bench("worker", worker_memory, after=("data",), notes=(
    "服务进程内存：gunicorn 单 worker，请求首页、党员列表、组织体系、根组织页面和 API 共 60 次后读取 "
    "/proc 中的 VmRSS（当前）和 VmHWM（峰值）。"))
