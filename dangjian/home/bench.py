"""Bench steps of the whole server, through a real gunicorn in production settings:

- ``server``: the pages a clerk lives in (the home page and /orglife/ for the top organisation),
  beside the machine's limits measured through the same gunicorn in the same run — a static file
  (whitenoise, no Django view) and the login page (a Django view with no data);
- ``worker``: one worker's resident memory after a round of pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command

from dangjian.core.benchmarking import fetch, gunicorn, throughput, versus, worker_rss
from dangjian.core.registry import register_bench

STATIC_FILE = "/static/css/site.css"
LOGIN_PAGE = "/accounts/login/"
API_PAGE = "/api/members/?limit=50"


def session_cookie(user) -> str:
    """A logged-in session for ``user``, as the Cookie header a browser would send."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The configured backend: a session naming another one is anonymous, and every page then
    # measured the redirect to the login page (fetch no longer follows redirects, so that fails).
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def server_pages(ctx) -> list[tuple[str, ...]]:
    call_command("collectstatic", interactive=False, verbosity=0)  # whitenoise serves what is collected
    cookie = session_cookie(ctx.user)
    seconds = getattr(ctx, "server_seconds", 3.0)
    rows: list[tuple[str, ...]] = []
    with gunicorn(workers=2) as (port, _):
        static_rps, static_one = throughput(port, STATIC_FILE, seconds=seconds)
        login_rps, login_one = throughput(port, LOGIN_PAGE, seconds=seconds)
        rows += [
            ("极限：静态文件（gunicorn 2 个 worker，8 个并发客户端）",
             f"{static_rps:,.0f} 次/秒（单次 {static_one * 1000:.1f} ms）", ""),
            ("极限：登录页（同一 gunicorn）", f"{login_rps:,.0f} 次/秒（单次 {login_one * 1000:.1f} ms）", ""),
        ]
        for label, path in (("首页（顶层组织的上级管理员）", "/"), ("组织生活 /orglife/（顶层组织）", "/orglife/")):
            fetch(port, path, cookie)  # each worker's first request pays for its imports, not the page
            fetch(port, path, cookie)
            rps, one = throughput(port, path, cookie=cookie, seconds=seconds)
            rows += [
                (f"{label}单次请求（中位数）", f"{one * 1000:.0f} ms", "≤ 50 ms", versus(one, login_one, "登录页")),
                (f"{label}吞吐量", f"{rps:,.1f} 次/秒", "≥ 登录页的 1/10",
                 versus(rps, login_rps, "登录页", unit="次/秒", higher_is_better=True)),
            ]
        fetch(port, API_PAGE, cookie)
        fetch(port, API_PAGE, cookie)
        _, one = throughput(port, API_PAGE, cookie=cookie, clients=1, seconds=0.1)
        rows.append(("接口 /api/members/?limit=50（市级用户，不计总数）单次请求（中位数）", f"{one * 1000:.0f} ms",
                     "≤ 10 ms", versus(one, login_one, "登录页")))
    return rows


def worker_memory(ctx) -> list[tuple[str, str, str]]:
    cookie = session_cookie(ctx.user)
    with gunicorn(workers=1) as (port, master):
        paths = ["/", "/members/", "/orgs/", f"/orgs/{ctx.root.pk}/", "/members/?page=50", "/api/members/?limit=50"]
        for i in range(60):
            fetch(port, paths[i % len(paths)], cookie)
        rss, hwm = worker_rss(master)
    return [("单个服务进程（gunicorn worker）常驻内存，60 次页面请求后 / 峰值", f"{rss:.0f} MB / {hwm:.0f} MB",
             "≤ 200 MB")]


register_bench("server", server_pages, after=("data",), notes=(
    "服务器：gunicorn 生产配置（DEBUG 关闭，2 个同步 worker），8 个并发客户端各请求约 3 秒得到吞吐量，单个客户端"
    "单独请求 5 次的中位数为单次请求时间（服务器时间加一次本机往返）；极限是同一 gunicorn、同一次运行中的静态文件"
    "（whitenoise）和登录页。客户端与服务器在同一台 2 核机器上，客户端本身也占用 CPU，所以极限偏低、比值偏乐观。"))
register_bench("worker", worker_memory, after=("data",), notes=(
    "服务进程内存：gunicorn 单 worker，请求首页、党员列表、组织体系、根组织页面和 API 共 60 次后读取 "
    "/proc 中的 VmRSS（当前）和 VmHWM（峰值）。"))
