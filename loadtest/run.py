"""The bounded load test (docs/load.md): ``make load`` or ``.venv/bin/python loadtest/run.py``.

1. Creates a fresh PostgreSQL database of its own (dropped first if it exists; its name must contain
   ``load``), migrates it, loads the county demo data and the demo accounts.
2. Creates the load accounts (``loadtest/loadusers.py``): positions spread over the tree, an API
   token each, and a branch each to write to.
3. Starts gunicorn with production settings (``DANGJIAN_ENV=production``, fresh keys) on loopback,
   and logs every load account in through the login form (the users are at work when the test
   starts; a login costs PBKDF2's 1,000,000 iterations on purpose, and is timed on its own).
4. Runs locust headless: by default 50 users, 10 started per second, for 60 s.
5. Accounts for every write (``loadtest/accounting.py``), verifies the audit chain, reads the
   gunicorn log for server errors, prints the figures and writes them to ``var/load/``.

Exit status 0 only when locust saw no failure, every write is accounted for, the audit chain
holds and gunicorn logged no error. Gunicorn is stopped however the run ends.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dangjian_load"
SERVER_ERRORS = ("Traceback", "Internal Server Error", "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")


class Abort(Exception):
    """A reason to stop, in words the operator can act on."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="有界负载测试：生产配置的 gunicorn + PostgreSQL，locust 无界面运行")
    p.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL),
                   help=f"负载测试专用数据库（会被删除重建，名称须含 load；默认 {DEFAULT_URL}）")
    p.add_argument("--users", type=int, default=50, help="并发用户数（默认 50）")
    p.add_argument("--spawn-rate", type=float, default=10, help="每秒启动的用户数（默认 10）")
    p.add_argument("--duration", type=int, default=60, help="持续时间，秒（默认 60）")
    p.add_argument("--wait", default="1,3", help="每个用户两次操作之间的思考时间范围，秒（默认 1,3）")
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker 数（默认 3）")
    p.add_argument("--port", type=int, default=0, help="gunicorn 端口（默认自动选一个空闲端口）")
    p.add_argument("--scale", default="county", help="演示数据规模（默认 county）")
    p.add_argument("--out", type=Path, default=ROOT / "var" / "load", help="结果目录（默认 var/load/）")
    args = p.parse_args(argv)
    try:
        low, high = (float(x) for x in args.wait.split(","))
        assert 0 <= low <= high
    except (ValueError, AssertionError):
        p.error(f"--wait 应为“最短,最长”秒数，如 1,3（现为 {args.wait}）")
    if args.users < 1 or args.duration < 1 or args.workers < 1:
        p.error("--users、--duration、--workers 须为正整数")
    return args


# -- the database ---------------------------------------------------------------------------------

def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or "load" not in name:
        raise Abort(f"数据库地址 {url} 不适用：须为 PostgreSQL，且数据库名含“load”（它会被删除重建）")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise Abort(f"无法在 {parts.hostname}:{parts.port or 5432} 上重建数据库 {name}：{exc}".strip()) from exc


# -- environment and set-up -----------------------------------------------------------------------

def base_env(args, var_dir: Path) -> dict[str, str]:
    """What both the set-up and the server see: the same database, the same (fresh) keys."""
    # The operator's own DANGJIAN_* settings (another database, DANGJIAN_ENV …) must not leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_") or k.startswith("DANGJIAN_LOAD_")}
    env.update({
        "DATABASE_URL": args.database_url,
        "DANGJIAN_VAR_DIR": str(var_dir),
        "DANGJIAN_SECRET_KEY": secrets.token_hex(32),
        "DANGJIAN_DATA_KEY": secrets.token_hex(32),
        "DANGJIAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DANGJIAN_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
    })
    return env


def log_in_all(port: int, accounts, workers: int, path: Path) -> list[float]:
    """Every account logged in through the login form, ``workers`` at a time; the cookies are added
    to the accounts file for locust. Returns the seconds each login POST took."""
    from concurrent.futures import ThreadPoolExecutor

    from browser import log_in

    base = f"http://127.0.0.1:{port}"
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(lambda a: log_in(base, a["username"], a["password"]), accounts))
    for account, (cookies, _) in zip(accounts, done, strict=True):
        account["cookies"] = cookies
    path.write_text(json.dumps(accounts, ensure_ascii=False))
    return [seconds for _, seconds in done]


def set_up(args, env: dict[str, str], out: Path):
    """Migrate, load the demo data and accounts, create the load accounts (in this process)."""
    os.environ.clear()
    os.environ.update(env)  # development settings for the set-up (demo commands), same keys and database
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.core.management import call_command

    with (out / "setup.log").open("w", encoding="utf-8") as log:
        quiet = {"stdout": log, "stderr": log}
        step("迁移数据库", lambda: call_command("migrate", interactive=False, verbosity=0, **quiet))
        step(f"生成演示数据（{args.scale}）", lambda: call_command("demo_data", scale=args.scale, **quiet))
        step("演示账号", lambda: call_command("demo_accounts", **quiet))
        step("收集静态文件", lambda: call_command("collectstatic", interactive=False, verbosity=0, **quiet))
    from loadusers import as_json, create_accounts

    accounts = step(f"创建 {args.users} 个负载测试账号", lambda: create_accounts(args.users))
    path = out / "accounts.json"
    path.write_text(json.dumps(as_json(accounts), ensure_ascii=False))
    path.chmod(0o600)  # passwords and tokens of a scratch database, but still
    return accounts, path


def step(label: str, call):
    started = time.monotonic()
    print(f"· {label} …", end="", flush=True)
    try:
        result = call()
    except BaseException:
        print(" 未完成", flush=True)
        raise
    print(f" {time.monotonic() - started:.1f} s", flush=True)
    return result


# -- gunicorn -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with production settings, in a process group of its own, always stopped."""

    def __init__(self, env: dict[str, str], port: int, workers: int, log: Path):
        self.env = {**env, "DANGJIAN_ENV": "production"}
        self.env.pop("DANGJIAN_DEBUG", None)
        self.port, self.workers, self.log = port, workers, log
        self.access_log = log.with_name("access.log")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        # The server's environment, for looking at the scratch database afterwards (same keys).
        saved = self.log.parent / "server.env"
        saved.write_text("".join(f"export {k}={v}\n" for k, v in sorted(self.env.items()) if k.startswith(
            ("DANGJIAN_", "DATABASE_URL")) and not k.startswith("DANGJIAN_LOAD_")))
        saved.chmod(0o600)
        cmd = [str(BIN / "gunicorn"), "dangjian.wsgi", "--bind", f"127.0.0.1:{self.port}",
               "--workers", str(self.workers), "--timeout", "60", "--graceful-timeout", "10",
               "--error-logfile", str(self.log), "--capture-output", "--log-level", "warning",
               # method, path (no query string: no personal data in the log), status, microseconds
               # spent in the worker: the service time, without the wait for a free worker.
               "--access-logfile", str(self.access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Abort(f"gunicorn 启动失败（退出码 {self.proc.returncode}），日志：\n{tail(self.log)}")
            if self.answers():
                return
            time.sleep(0.5)
        raise Abort(f"gunicorn 60 秒内没有响应，日志：\n{tail(self.log)}")

    def answers(self) -> bool:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/accounts/login/",
                                         headers={"X-Forwarded-Proto": "https"})
        try:
            with urllib.request.urlopen(request, timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "（无日志）"


# -- locust ---------------------------------------------------------------------------------------

class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while locust runs (the machine is shared)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(5):
            self.samples.append(os.getloadavg()[0])


def run_locust(args, port: int, accounts_path: Path, out: Path) -> tuple[int, list[float]]:
    locust = BIN / "locust"
    if not locust.exists():
        raise Abort("未安装 locust：请运行 make load（会按 requirements-load.txt 安装），"
                    "或 .venv/bin/pip install -r requirements-load.txt")
    stop_timeout = 35  # longer than the client's network timeout: every request in flight finishes
    cmd = [str(locust), "-f", str(HERE / "locustfile.py"), "--headless", "--users", str(args.users),
           "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s",
           "--host", f"http://127.0.0.1:{port}", "--only-summary",
           "--stop-timeout", str(stop_timeout), "--loglevel", "WARNING"]
    env = {**os.environ, "DANGJIAN_LOAD_ACCOUNTS": str(accounts_path), "DANGJIAN_LOAD_RESULT": str(out / "locust.json"),
           "DANGJIAN_LOAD_WAIT": args.wait}
    sampler = LoadSampler()
    sampler.start()
    log = out / "locust.log"
    try:
        with log.open("w", encoding="utf-8") as fh:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                  timeout=args.duration + stop_timeout + 60)
    except subprocess.TimeoutExpired as exc:
        raise Abort(f"locust 超时未结束，日志：{log}") from exc
    finally:
        sampler.done.set()
    if proc.returncode not in (0, 1):  # 1: some requests failed, reported below
        raise Abort(f"locust 异常退出（退出码 {proc.returncode}），日志：\n{tail(log)}")
    return proc.returncode, sampler.samples


def read_result(out: Path) -> dict:
    path = out / "locust.json"
    if not path.exists():
        raise Abort(f"locust 没有写出结果文件 {path}（locust 是否异常退出？）")
    return json.loads(path.read_text(encoding="utf-8"))


def successes(result: dict) -> dict[str, int]:
    """Successful requests per "METHOD name"."""
    return {f"{e['method']} {e['name']}": e["requests"] - e["failures"] for e in result["entries"]}


def verify_chain() -> tuple[bool, str]:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return False, str(exc)
    return True, (out.getvalue().strip().splitlines() or ["完整"])[0]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in (out / "locust.json", out / "gunicorn.log", out / "access.log", out / "report.md"):
        old.unlink(missing_ok=True)
    var_dir = out / "var"
    var_dir.mkdir(exist_ok=True)
    env = base_env(args, var_dir)
    server = None

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        step(f"重建数据库 {urlsplit(args.database_url).path.lstrip('/')}", lambda: recreate_database(args.database_url))
        accounts, accounts_path = set_up(args, env, out)
        from accounting import WRITE_KINDS, account, snapshot
        from django.db import connections
        from report import access_lines, environment, service_table, stats_table, writes_table

        usernames = [a.username for a in accounts]
        snap = snapshot(usernames, sorted({m for a in accounts for m in a.roster}))
        connections.close_all()
        server = Server(env, args.port or free_port(), args.workers, out / "gunicorn.log")
        step(f"启动 gunicorn（生产配置，{args.workers} 个 worker，127.0.0.1:{server.port}）", server.start)
        records = json.loads(accounts_path.read_text(encoding="utf-8"))
        try:
            logins = step(f"经登录表单登录 {len(records)} 个账号", lambda: log_in_all(
                server.port, records, args.workers, accounts_path))
        except (RuntimeError, OSError) as exc:
            raise Abort(f"测试前登录失败：{exc}\ngunicorn 日志：\n{tail(server.log)}") from exc
        before = os.getloadavg()[0]
        skip = len(access_lines(server.access_log))  # the start-up probe and the logins before the test
        _, loads = step(f"locust：{args.users} 个用户，每秒启动 {args.spawn_rate:g} 个，{args.duration} s",
                        lambda: run_locust(args, server.port, accounts_path, out))
        server.stop()
        result = read_result(out)
        counts = successes(result)
        counts["POST /accounts/login/"] = counts.get("POST /accounts/login/", 0) + len(logins)
        lines = account(snap, usernames, counts)
        chain_ok, chain_message = step("校验审计日志摘要链（dangjian audit-verify）", verify_chain)
        log = out / "gunicorn.log"
        log_lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()] if log.exists() else []
        server_errors = [ln for ln in log_lines if any(m in ln for m in SERVER_ERRORS)]
        failures = result["total"]["failures"]
        data_writes = {name for kind in WRITE_KINDS for name in kind.requests}  # not the search POST
        written = sum(e["requests"] for e in result["entries"] if f"{e['method']} {e['name']}" in data_writes)
        total = result["total"]["requests"]
        report = "\n\n".join([
            environment(args, loads, before),
            f"测试前经登录表单登录 {len(logins)} 次（PBKDF2 100 万次迭代，{args.workers} 个并行）："
            f"中位 {1000 * statistics.median(logins):.0f} ms，最长 {1000 * max(logins):.0f} ms。",
            f"共 {total} 次请求，失败 {failures} 次，平均每秒 {result['total']['rps']:.1f} 次；"
            f"其中写数据 {written} 次（{100 * written / max(total, 1):.0f}%；"
            "姓名查询的 POST 只把条件存入会话，算作读）。",
            stats_table(result), service_table(access_lines(server.access_log)[skip:]), writes_table(lines),
            f"审计日志：{chain_message}；"
            f"gunicorn 日志：{len(log_lines)} 行，其中错误 {len(server_errors)} 行",
        ])
        (out / "report.md").write_text(report + "\n", encoding="utf-8")
        print("\n" + report + "\n")
        problems = []
        if failures:
            problems.append(f"locust 记录了 {failures} 次失败：" + "；".join(
                f"{e['method']} {e['name']} ×{e['occurrences']}：{e['error'][:200]}" for e in result["errors"][:5]))
        problems += [f"写操作“{x.label}”对不上：locust {x.reported}，数据库 {x.rows}，审计 {x.audit}"
                     for x in lines if not x.ok]
        if not chain_ok:
            problems.append(chain_message)
        if server_errors:
            problems.append(f"gunicorn 日志中有 {len(server_errors)} 行错误（{log}），例如：{server_errors[0]}")
        for problem in problems:
            print(f"✗ {problem}", file=sys.stderr)
        print("✓ 通过：零错误，每个写操作都已核对" if not problems else "✗ 未通过", flush=True)
        return 1 if problems else 0
    except Abort as exc:
        print(f"\n✗ {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n✗ 已中断", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
