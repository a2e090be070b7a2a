"""Locust users for ``loadtest/run.py`` (docs/load.md): party workers reading pages and the API and
writing meetings, member edits, work items and progress, about 80 % reads and 20 % writes.

Each simulated user takes one prepared account (``DANGJIAN_LOAD_ACCOUNTS``, written by the driver):
the session the driver opened for it through the login form (CSRF token and all) for the pages,
and the account's API token for the API. Every account writes only to its own branch, so no two
users edit one record.

The server runs with production settings behind where a TLS proxy would be: every request carries
``X-Forwarded-Proto: https`` as the proxy would add it, form posts carry the ``Origin`` a browser on
the HTTPS site sends, and the client's cookie jar passes the ``Secure`` cookies on over the loopback
hop, as the proxy does (``BehindTlsProxy``). Nothing in the settings is relaxed for the test.

A request counts as a success only with the exact status the application answers on success (200
for a page without redirect, 302 after a successful form post, 201 for an API creation), so a
page that silently bounced to the login form or re-rendered a form with errors is a failure.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
from http.cookiejar import Cookie
from urllib.parse import urlencode

from browser import PROXY_HEADERS, BehindTlsProxy, post_form_fields
from locust import FastHttpUser, between, events, task

ACCOUNTS: list[dict] = []
ENVIRONMENT = []
_next_account = itertools.count()
_sequence = itertools.count(1)
TZ = dt.timezone(dt.timedelta(hours=8))
LOW, HIGH = (float(x) for x in os.environ.get("DANGJIAN_LOAD_WAIT", "1,3").split(","))

# Filters without personal data stay in the URL; a name search is POSTed and kept in the session
# (dangjian/core/filterstate.py), see ``member_search``.
MEMBER_FILTERS = [
    {}, {"membership_type": "full"}, {"membership_type": "probationary"}, {"gender": "F"},
    {"age_band": "35岁及以下"}, {"education": "university"}, {"retired": "1"},
]
SURNAMES = "王李张刘陈杨黄赵吴周"


@events.init.add_listener
def _load_accounts(environment, **_kwargs):
    ENVIRONMENT.append(environment)
    path = os.environ.get("DANGJIAN_LOAD_ACCOUNTS")
    if not path:
        raise SystemExit("未设置 DANGJIAN_LOAD_ACCOUNTS：请通过 loadtest/run.py（make load）运行负载测试")
    with open(path, encoding="utf-8") as fh:
        ACCOUNTS.extend(json.load(fh))


PERCENTILES = {"p50": 0.5, "p95": 0.95, "p99": 0.99}


def _entry(entry) -> dict:
    return {
        "method": entry.method or "", "name": entry.name, "requests": entry.num_requests,
        "failures": entry.num_failures, "rps": entry.total_rps, "avg": entry.avg_response_time,
        "max": entry.max_response_time or 0,
        **{k: entry.get_response_time_percentile(p) if entry.num_requests else 0 for k, p in PERCENTILES.items()},
    }


@events.quit.add_listener
def _write_final_stats(exit_code, **_kwargs):
    """The final figures, after every user has stopped (locust's own CSV is written once a second,
    so its last rows can miss the requests that finished while the test was stopping)."""
    path = os.environ.get("DANGJIAN_LOAD_RESULT")
    if not path or not ENVIRONMENT:
        return
    stats = ENVIRONMENT[0].stats
    result = {
        "entries": [_entry(e) for e in stats.entries.values()],
        "total": _entry(stats.total),
        "errors": [{"method": e.method, "name": e.name, "error": str(e.error), "occurrences": e.occurrences}
                   for e in stats.errors.values()],
        "exit_code": exit_code,
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=1)


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(0, name, value, None, False, host, False, False, "/", True, True, None, False, None, None, {})


class PartyWorker(FastHttpUser):
    wait_time = between(LOW, HIGH)
    connection_timeout = 10.0
    network_timeout = 30.0

    def on_start(self):
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.client.cookiejar.set_policy(BehindTlsProxy())
        self.origin = self.host.replace("http://", "https://", 1)
        self.proxy = dict(PROXY_HEADERS)
        self.api = {**self.proxy, "Authorization": f"Bearer {self.account['token']}"}
        self.items = list(self.account["items"])
        # The driver logged every account in through the login form before the test (see run.py);
        # an account without its cookies logs in itself, on its first page.
        host = self.host.split("//", 1)[1].split(":")[0]
        for name, value in self.account.get("cookies", {}).items():
            self.client.cookiejar.set_cookie(_cookie(name, value, host))
        self.logged_in = "sessionid" in self.account.get("cookies", {})

    # -- helpers --------------------------------------------------------------------------------

    def page(self, url: str, name: str):
        """GET a page: a success is 200 with no redirect (a redirect would mean the session is gone).
        The first page logs in (inside a task, not in on_start, so that a login in flight when the
        test ends is waited for like any other request, and counted)."""
        if not self.logged_in:
            self.logged_in = self.login()
        return self.get(url, name)

    def get(self, url: str, name: str):
        with self.client.get(url, name=name, headers=self.proxy, allow_redirects=False,
                             catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}（期望 200）")
            return resp

    def api_get(self, url: str, name: str):
        with self.client.get(url, name=name, headers=self.api, catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}（期望 200）：{resp.text[:200]}")
                return None
            return resp.json()

    def api_write(self, method: str, url: str, name: str, payload: dict, expect: int):
        with self.client.request(method, url, name=name, headers=self.api, json=payload,
                                 catch_response=True) as resp:
            if resp.status_code != expect:
                resp.failure(f"{resp.status_code}（期望 {expect}）：{resp.text[:300]}")
                return None
            return resp.json()

    def form_post(self, url: str, name: str, fields: dict, referer: str, success: str):
        """POST a form as the browser would: CSRF field from the page, Origin and Referer of the site.
        A success is the redirect the view answers after saving, to exactly ``success``."""
        headers = {**self.proxy, "Origin": self.origin, "Referer": self.origin + referer}
        with self.client.post(url, name=name, data=fields, headers=headers, allow_redirects=False,
                              catch_response=True) as resp:
            location = resp.headers.get("Location") or ""
            if resp.status_code != 302 or location != success:
                resp.failure(f"{resp.status_code} → {location or '-'}（期望 302 跳转到 {success}）：{resp.text[:200]}")
                return None
            return resp

    def login(self) -> bool:
        form = self.get("/accounts/login/", "/accounts/login/")
        fields = post_form_fields(form.text or "", "csrfmiddlewaretoken") if form.status_code == 200 else {}
        if not fields:
            return False
        fields.update(username=self.account["username"], password=self.account["password"])
        # Straight to the home page: not to a second factor or a forced password change.
        done = self.form_post("/accounts/login/", "/accounts/login/", fields, "/accounts/login/", success="/")
        return done is not None

    # -- reads (weights add up to 80) -----------------------------------------------------------

    @task(8)
    def home(self):
        self.page("/", "/")

    @task(6)
    def org_tree(self):
        self.page("/orgs/", "/orgs/")

    @task(6)
    def org_detail(self):
        self.page(f"/orgs/{random.choice(self.account['read_orgs'])}/", "/orgs/[id]/")

    @task(8)
    def member_list(self):
        query = urlencode({**random.choice(MEMBER_FILTERS), "page": random.choice([1, 1, 2, 3])})
        self.page(f"/members/?{query}", "/members/?[filter]&page=[n]")

    @task(4)
    def member_search(self):
        """A name search as the browser does it: the list page, its filter form POSTed with the CSRF
        token, the 303 to ``?s=<key>``, that page."""
        listing = self.page("/members/", "/members/?[filter]&page=[n]")
        fields = post_form_fields(listing.text or "", "q") if listing.status_code == 200 else {}
        if not fields:
            return
        fields["q"] = random.choice(SURNAMES)
        headers = {**self.proxy, "Origin": self.origin, "Referer": self.origin + "/members/"}
        with self.client.post("/members/", name="/members/ (搜索)", data=fields, headers=headers,
                              allow_redirects=False, catch_response=True) as resp:
            location = resp.headers.get("Location") or ""
            if resp.status_code != 303 or not location.startswith("/members/?s="):
                resp.failure(f"{resp.status_code} → {location or '-'}（期望 303 跳转到 /members/?s=…）")
                return
        self.get(location, "/members/?s=[key]")

    @task(6)
    def member_detail(self):
        self.page(f"/members/{random.choice(self.account['read_members'])}/", "/members/[id]/")

    @task(6)
    def orglife_matrix(self):
        self.page("/orglife/", "/orglife/")

    @task(4)
    def orglife_branch_year(self):
        self.page(f"/orglife/org/{self.account['branch']}/", "/orglife/org/[id]/")

    @task(6)
    def worklists(self):
        self.page("/worklists/", "/worklists/")

    @task(4)
    def worklist_detail(self):
        if self.items:
            self.page(f"/worklists/{random.choice(self.items)}/", "/worklists/[id]/")

    @task(10)
    def api_members(self):
        offset = random.choice([0, 0, 50, 100])
        self.api_get(f"/api/members/?org={self.account['scope_org']}&limit=50&offset={offset}",
                     "/api/members/?org&limit&offset")

    @task(4)
    def api_orgs(self):
        self.api_get("/api/orgs/?limit=100", "/api/orgs/")

    @task(4)
    def api_meetings(self):
        self.api_get(f"/api/orglife/meetings?org={self.account['branch']}", "/api/orglife/meetings?org")

    @task(4)
    def api_items(self):
        self.api_get(f"/api/worklists/items?org={self.account['branch']}", "/api/worklists/items?org")

    # -- writes (weights add up to 20) ----------------------------------------------------------

    @task(6)
    def record_meeting(self):
        n = next(_sequence)
        held = dt.datetime.now(TZ).replace(microsecond=0) - dt.timedelta(days=random.randint(1, 20), hours=n % 12)
        roster = self.account["roster"]
        attendance = [{"member": m, "status": "present"} for m in roster[1:]]
        attendance.append({"member": roster[0], "status": "leave", "reason": "外出务工"})
        self.api_write("POST", "/api/orglife/meetings", "/api/orglife/meetings", {
            "org": self.account["branch"], "title": f"负载测试主题党日（{self.account['username']} 第 {n} 次）",
            "types": ["theme_day"], "held_at": held.isoformat(), "place": "党员活动室", "host": "支部书记",
            "topics": "学习贯彻党的二十届四中全会精神", "minutes": f"会议记录 {n}：" + "交流学习体会，" * (n % 7 + 3),
            "attendance": attendance,
        }, 201)

    @task(4)
    def edit_member_form(self):
        member = random.choice(self.account["roster"])
        url = f"/members/{member}/edit/"
        form = self.page(url, "/members/[id]/edit/")
        fields = post_form_fields(form.text or "", "version") if form.status_code == 200 else {}
        if not fields:
            return
        fields["job_title"] = f"负载测试职务 {next(_sequence)}"
        self.form_post(url, "/members/[id]/edit/", fields, url, success=f"/members/{member}/")

    @task(3)
    def edit_member_api(self):
        member = random.choice(self.account["roster"])
        current = self.api_get(f"/api/members/{member}", "/api/members/[id]")
        if current is None:
            return
        self.api_write("PATCH", f"/api/members/{member}", "/api/members/[id]", {
            "version": current["version"], "work_unit": f"负载测试单位 {next(_sequence)}",
        }, 200)

    @task(3)
    def create_item(self):
        deadline = dt.date.today() + dt.timedelta(days=30)
        created = self.api_write("POST", "/api/worklists/items", "/api/worklists/items", {
            "org": self.account["branch"], "kind": "task", "source": "self_check",
            "title": f"负载测试事项（{self.account['username']} 第 {next(_sequence)} 项）",
            "deadline": deadline.isoformat(), "measures": ["建立台账", "按月报告进展"],
        }, 201)
        if created is not None:
            self.items.append(created["id"])

    @task(4)
    def add_progress(self):
        if not self.items:
            return self.create_item()
        item = random.choice(self.items)
        self.api_write("POST", f"/api/worklists/items/{item}/progress", "/api/worklists/items/[id]/progress",
                       {"text": f"已完成阶段工作（负载测试 {next(_sequence)}）"}, 201)
