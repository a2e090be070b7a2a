"""Bench step ``review`` (issue 11's figures): the decomposition review page for a 10,000-character
speech, read by the root's 上级管理员 (HTML size and server time), and the type-to-search pickers
that page and the other forms use (organisations, members, 责任人): p50/p95 over many searches.

Everything runs in-process through Django's test client, as the list-page figures do, so the time
is the server's own (no network, no browser). Nothing is written: the review page only reads."""

from __future__ import annotations

import statistics
import time

from django.test import Client

from dangjian.core.benchmarking import ms, percentile

from .decompose.bench import sample_speech

REVIEW_NOTES = (
    "分解核对页：根组织的上级管理员粘贴 10,000 字讲话后得到的核对页（每行的责任单位是输入框加选择器，而不是列出"
    "全部党组织的下拉框），记录 HTML 大小和服务器时间（5 次中位数）。选择器：党组织、党员、责任人三种查找，"
    "用常见的输入文字（姓氏、“第一”“村”“镇”、代码前缀）轮流查找，记录 p50 和 p95。")

ORG_WORDS = ("第一", "村", "镇", "社区", "党支部", "总支", "机关", "新华", "C", "学校")
MEMBER_WORDS = ("张", "王", "李明", "刘", "陈", "杨", "赵", "黄", "周", "吴")
PERSON_WORDS = ("书记", "admin", "张", "王", "委员", "李")


def _client(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def _review_page(client: Client, text: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.post("/worklists/decompose/", {"text": text})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, ("/worklists/decompose/", response.status_code)
    assert b'name="d-0-org"' in response.content, "核对页没有事项"
    return elapsed, len(response.content)


def measure_review(user, runs: int = 5) -> tuple[float, int]:
    """Median server time (seconds) and the HTML size (bytes) of the review page."""
    client = _client(user)
    text = sample_speech(10_000)
    _review_page(client, text)  # warm: templates, the decomposer's vocabulary
    timings, size = [], 0
    for _ in range(runs):
        elapsed, size = _review_page(client, text)
        timings.append(elapsed)
    return statistics.median(timings), size


def picker_urls(count: int) -> list[str]:
    urls = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            urls.append(f"/api/orgs/picker?writable=true&q={ORG_WORDS[i % len(ORG_WORDS)]}")
        elif kind == 1:
            urls.append(f"/api/members/picker?q={MEMBER_WORDS[i % len(MEMBER_WORDS)]}")
        else:
            urls.append(f"/api/worklists/persons?q={PERSON_WORDS[i % len(PERSON_WORDS)]}")
    return urls


def measure_pickers(user, requests: int) -> tuple[list[float], int]:
    """Server time of each search, and how many searches found something."""
    client = _client(user)
    urls = picker_urls(max(requests, 30))
    for url in urls[:3]:
        client.get(url)
    timings, found = [], 0
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        found += bool(response.json()["items"])
    return timings, found


def review_step(ctx) -> list[tuple[str, str, str]]:
    median, size = measure_review(ctx.user)
    timings, found = measure_pickers(ctx.user, ctx.requests)
    return [
        ("分解核对页（10,000 字讲话，根组织的上级管理员）HTML 大小", f"{size / 1024:.0f} KB", "≤ 300 KB"),
        ("分解核对页服务器时间（5 次中位数）", ms(median), "≤ 500 ms"),
        (f"选择器查找（党组织、党员、责任人，{len(timings)} 次，{found} 次有结果）p50",
         ms(percentile(timings, 50)), ""),
        ("选择器查找 p95", ms(percentile(timings, 95)), "≤ 100 ms"),
    ]
