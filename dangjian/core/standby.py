"""``python -m dangjian.core.standby start|stop|status``: a real PostgreSQL hot standby of the local
primary, for ``make replica`` / ``make replica-stop`` and the replica test (docs/scaling.md).

``start`` copies the primary with ``pg_basebackup -R`` (streaming replication, the engine's own
mechanism) into a data directory owned by the ``postgres`` user and starts it on its own port,
read-only, with a replication slot on the primary so that WAL the standby has not received is kept
(a standby without one breaks for good once a busy primary recycles that WAL). It is idempotent: a
standby that answers on the port and receives the primary's WAL is left alone; one that has stopped
receiving it is copied afresh. It never edits the primary's configuration: when the primary refuses
replication connections it stops and names the ``pg_hba.conf`` line the operator has to add.
``stop`` stops the standby, deletes its data directory (a standby is a copy: the next ``start`` takes
a fresh one) and drops the slot, which would otherwise keep WAL on the primary for ever.

Messages are for the operator, in Chinese. Binaries refuse to run as root, so when run as root
every PostgreSQL program is run as the ``postgres`` user.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg

HBA_LINE = "host replication all 127.0.0.1/32 trust"
# A hot standby needs at least the primary's values of these (PostgreSQL refuses to start otherwise).
COPIED_SETTINGS = ("max_connections", "max_worker_processes", "max_wal_senders",
                   "max_prepared_transactions", "max_locks_per_transaction")


class StandbyError(Exception):
    """A failure the operator can act on; the message says what to do."""


def _conninfo(url: str, **extra) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    info.update(extra)
    info.setdefault("connect_timeout", 2)
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in info.items()})


def standby_state(url: str) -> str | None:
    """``"standby"`` or ``"primary"`` when a server answers at ``url``; ``None`` when none does."""
    try:
        with psycopg.connect(_conninfo(url)) as conn:
            return "standby" if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] else "primary"
    except psycopg.OperationalError:
        return None


def _primary_facts(primary: str) -> dict[str, str]:
    try:
        with psycopg.connect(_conninfo(primary)) as conn:
            facts = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in COPIED_SETTINGS}
            facts["server_version_num"] = conn.execute("SHOW server_version_num").fetchone()[0]
            facts["wal_level"] = conn.execute("SHOW wal_level").fetchone()[0]
            return facts
    except psycopg.OperationalError as exc:
        raise StandbyError(f"主库 {primary} 未响应：{exc}") from exc


def _check_replication_allowed(primary: str) -> None:
    try:
        with psycopg.connect(_conninfo(primary, replication="true", dbname="replication"), autocommit=True) as conn:
            conn.execute("IDENTIFY_SYSTEM")
    except psycopg.OperationalError as exc:
        if "pg_hba.conf" in str(exc):
            raise StandbyError(
                "主库拒绝复制连接（pg_hba.conf 中数据库一栏的 all 不包括 replication）。\n"
                f"请在主库的 pg_hba.conf 中加入一行：\n    {HBA_LINE}\n"
                "然后重新加载配置（systemctl reload postgresql，或 SELECT pg_reload_conf();），再运行 make replica。\n"
                "本命令不会自动修改主库的配置。") from exc
        raise StandbyError(f"无法建立复制连接：{exc}") from exc


def find_bin_dir(major: str, given: str | None) -> Path:
    """The PostgreSQL programs of the primary's major version (Debian keeps them per version)."""
    candidates = [given] if given else [f"/usr/lib/postgresql/{major}/bin",
                                        *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    if not given and shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl")).parent))
    for candidate in candidates:
        if candidate and all((Path(candidate) / p).exists() for p in ("pg_basebackup", "pg_ctl")):
            return Path(candidate)
    raise StandbyError("找不到 pg_basebackup 和 pg_ctl（PostgreSQL 服务器程序）。Debian/Ubuntu 上安装 "
                       f"postgresql-{major}，或用 PG_BIN=目录 指明它们的位置。")


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(_as_postgres(cmd), capture_output=True, text=True)
    if result.returncode != 0:
        raise StandbyError(f"{what}失败：\n{(result.stderr or result.stdout).strip()}")


def _prepare_dir(data_dir: Path) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")


def _write_config(data_dir: Path, port: int, facts: dict[str, str]) -> None:
    """Debian keeps postgresql.conf and pg_hba.conf outside the data directory, so pg_basebackup
    does not copy them: the standby gets files of its own (local and 127.0.0.1 only)."""
    settings = {
        "port": port, "listen_addresses": "'127.0.0.1'", "unix_socket_directories": f"'{data_dir}'",
        "hot_standby": "on", "hot_standby_feedback": "on", "shared_buffers": "'128MB'",
        **{name: facts[name] for name in COPIED_SETTINGS},
    }
    (data_dir / "postgresql.conf").write_text(
        "# 党建工作平台 make replica 生成的备用库配置\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    (data_dir / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n")
    if os.geteuid() == 0:
        for name in ("postgresql.conf", "pg_hba.conf"):
            shutil.chown(data_dir / name, "postgres", "postgres")


def _pg_ctl_start(bin_dir: Path, data_dir: Path, log: Path) -> None:
    if os.geteuid() == 0:
        log.touch()
        shutil.chown(log, "postgres", "postgres")
    _run([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-w", "-t", "60", "start"], "启动备用库")


def _wait_until_standby(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if standby_state(url) == "standby":
            return
        time.sleep(0.5)
    raise StandbyError(f"备用库启动后 {seconds:.0f} 秒内没有以只读备用库身份响应，见日志。")


def streaming(url: str, seconds: float = 10) -> bool:
    """Whether the standby at ``url`` receives the primary's WAL (its receiver reconnects every few
    seconds after an error, so this waits up to ``seconds`` for the state to show)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(_conninfo(url)) as conn:
                row = conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
        except psycopg.OperationalError:
            row = None
        if row and row[0] == "streaming":
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def slot_name(port: int) -> str:
    """The replication slot on the primary that keeps the WAL this standby has not received yet."""
    return f"dangjian_replica_{port}"


def _drop_slot(primary: str, port: int) -> bool:
    with psycopg.connect(_conninfo(primary), autocommit=True) as conn:
        return conn.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                            "WHERE slot_name = %s AND NOT active", [slot_name(port)]).fetchone() is not None


def _pg_ctl_stop(bin_dir: Path, data_dir: Path) -> None:
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]),
                   capture_output=True)


def start(*, primary: str, port: int, data_dir: Path, pg_bin: str | None) -> str:
    standby_url = _replace_port(primary, port)
    state = standby_state(standby_url)
    if state == "primary":
        raise StandbyError(f"端口 {port} 上已有一个 PostgreSQL，但它不是备用库（不在恢复状态）。"
                           "请换一个端口（REPLICA_PORT=…）。")
    if state == "standby" and streaming(standby_url):
        return f"备用库已在运行：127.0.0.1:{port}（数据目录 {data_dir}），正在接收主库的 WAL，未做任何改动。"
    facts = _primary_facts(primary)
    if facts["wal_level"] not in {"replica", "logical"}:
        raise StandbyError(f"主库的 wal_level 是 {facts['wal_level']}，流复制需要 replica（修改后须重启主库）。")
    bin_dir = find_bin_dir(str(int(facts["server_version_num"]) // 10000), pg_bin)
    _check_replication_allowed(primary)
    log = data_dir.parent / f"{data_dir.name}.log"
    done = []
    if state == "standby":
        _pg_ctl_stop(bin_dir, data_dir)
        done.append(f"127.0.0.1:{port} 上的备用库在运行，但已不在接收主库的 WAL（见 {log}），已停止并重新复制")
    elif (data_dir / "PG_VERSION").exists():
        # Left from an earlier run: start it again; if it cannot catch up, take a fresh copy.
        try:
            _pg_ctl_start(bin_dir, data_dir, log)
            _wait_until_standby(standby_url, 30)
            if streaming(standby_url, 15):
                return f"已重新启动原有的备用库：127.0.0.1:{port}（数据目录 {data_dir}，日志 {log}）。"
        except StandbyError:
            pass
        _pg_ctl_stop(bin_dir, data_dir)
        done.append("原有的备用库数据目录无法继续流复制，已重新复制")
    _prepare_dir(data_dir)
    _drop_slot(primary, port)
    info = psycopg.conninfo.conninfo_to_dict(_conninfo(primary))
    _run([str(bin_dir / "pg_basebackup"), "-h", info.get("host", "127.0.0.1"), "-p", str(info.get("port", 5432)),
          "-U", info.get("user", "postgres"), "-D", str(data_dir), "-R", "-X", "stream", "-c", "fast",
          "-C", "-S", slot_name(port)], "用 pg_basebackup 复制主库")
    _write_config(data_dir, port, facts)
    _pg_ctl_start(bin_dir, data_dir, log)
    _wait_until_standby(standby_url)
    if not streaming(standby_url, 30):
        raise StandbyError(f"备用库已启动，但 30 秒内没有开始接收主库的 WAL，见日志 {log}。")
    done += [f"已用 pg_basebackup 从主库 {info.get('host')}:{info.get('port', 5432)} 复制到 {data_dir}",
             f"已在主库上建立复制槽 {slot_name(port)}：备用库未收到的 WAL 由主库保留，make replica-stop 时删除",
             f"已启动只读热备用库 127.0.0.1:{port}（流复制，hot_standby_feedback=on；日志 {log}）",
             f"应用使用它：DANGJIAN_REPLICA_URL={_redact(standby_url)}；停止：make replica-stop"]
    return "\n".join(done)


def stop(*, primary: str, port: int, data_dir: Path, pg_bin: str | None) -> str:
    said = []
    if (data_dir / "PG_VERSION").exists():
        _pg_ctl_stop(find_bin_dir((data_dir / "PG_VERSION").read_text().strip(), pg_bin), data_dir)
        shutil.rmtree(data_dir)
        said.append(f"已停止 127.0.0.1:{port} 上的备用库，并删除其数据目录 {data_dir}（下次 make replica 重新复制）。")
    else:
        said.append(f"没有备用库数据目录 {data_dir}，无需停止。")
    try:
        if _drop_slot(primary, port):
            said.append(f"已删除主库上的复制槽 {slot_name(port)}（否则主库会一直保留 WAL）。")
    except psycopg.OperationalError:
        said.append(f"主库 {_redact(primary)} 未响应：如有复制槽 {slot_name(port)}，请在主库上删除。")
    return "\n".join(said)


def _replace_port(url: str, port: int) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    info["port"] = str(port)
    host, user, db = info.get("host", "127.0.0.1"), info.get("user", "postgres"), info.get("dbname", "postgres")
    return f"postgres://{user}@{host}:{port}/{db}"


def _redact(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/数据库名"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m dangjian.core.standby")
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument("--primary", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=5433)
    parser.add_argument("--dir", default="/tmp/dangjian-replica-5433")
    parser.add_argument("--pg-bin", default="")
    args = parser.parse_args(argv)
    data_dir = Path(args.dir).resolve()
    try:
        if args.command == "start":
            print(start(primary=args.primary, port=args.port, data_dir=data_dir, pg_bin=args.pg_bin or None))
        elif args.command == "stop":
            print(stop(primary=args.primary, port=args.port, data_dir=data_dir, pg_bin=args.pg_bin or None))
        else:
            state = standby_state(_replace_port(args.primary, args.port))
            where = f"127.0.0.1:{args.port}"
            print({"standby": f"备用库正在 {where} 上运行", "primary": f"{where} 上是一个主库，不是备用库"}
                  .get(state, f"{where} 上没有备用库"))
            return 0 if state == "standby" else 1
    except StandbyError as exc:
        print(f"make replica：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
