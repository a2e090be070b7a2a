"""``dangjian rotate_data_key``: re-encrypt every sealed field and recompute every blind index under a
new data key, in one transaction, audited; then say what to change in the environment.

    dangjian rotate_data_key --generate --new-key-file /etc/dangjian/data-2026.key
    dangjian rotate_data_key --new-key-file /etc/dangjian/data-2026.key
    dangjian rotate_data_key --check

The old key is the one the platform runs with (DANGJIAN_DATA_KEY, or var/data.key outside
production) plus any in DANGJIAN_DATA_KEYS_EXTRA. The new key comes from --new-key-file or the
environment variable DANGJIAN_NEW_DATA_KEY. No key is ever printed or written to the audit log.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from dangjian.core import crypto
from dangjian.core.keyrotation import RotationError, key_census, rotate


class Command(BaseCommand):
    help = "轮换数据加密密钥：用新密钥重新加密全部加密字段并重算盲索引（单个事务，全部成功或全部不变）"

    def add_arguments(self, parser):
        parser.add_argument("--new-key-file", help="新密钥文件（64 位十六进制）；也可用环境变量 DANGJIAN_NEW_DATA_KEY")
        parser.add_argument("--generate", action="store_true",
                            help="生成新密钥写入 --new-key-file（权限 0600，不覆盖已有文件），不改动数据")
        parser.add_argument("--check", action="store_true", help="只统计各密钥编号下的数据量，不改动数据")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, **options):
        if options["generate"]:
            return self._generate(options["new_key_file"])
        if options["check"]:
            return self._check()
        new_key = self._new_key(options["new_key_file"])
        started = time.monotonic()
        try:
            report = rotate(crypto.keyring(), new_key, batch_size=options["batch_size"])
        except RotationError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        rows = "、".join(f"{label} {n} 行" for label, n in report.rows.items()) or "无"
        self.stdout.write(f"密钥轮换完成（{elapsed:.1f} 秒）：重新加密 {report.values} 个值（{rows}），"
                          f"新密钥编号 {crypto.key_id(new_key)}，已记入审计日志。")
        self.stdout.write(self._instructions(options["new_key_file"]))

    def _generate(self, path):
        if not path:
            raise CommandError("--generate 须同时给出 --new-key-file 路径")
        target = Path(path)
        if target.exists():
            raise CommandError(f"{target} 已存在，不会覆盖")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        self.stdout.write(f"已生成新密钥 {target}（权限 0600，编号 {crypto.key_id(target.read_text().strip())}）。"
                          f"下一步：dangjian rotate_data_key --new-key-file {target}")

    def _new_key(self, path) -> str:
        if path:
            try:
                return Path(path).read_text().strip()
            except OSError as exc:
                raise CommandError(f"无法读取新密钥文件 {path}：{exc.strerror}") from exc
        value = settings.NEW_DATA_KEY
        if not value:
            raise CommandError(
                "请用 --new-key-file 或环境变量 DANGJIAN_NEW_DATA_KEY 给出新密钥（可先用 --generate 生成）")
        return value

    def _check(self):
        current = crypto.key_id()
        stale = 0
        for label, counts in key_census().items():
            parts = "、".join(f"{kid} {n}" for kid, n in sorted(counts.items())) or "无数据"
            self.stdout.write(f"{label}：{parts}")
            stale += sum(n for kid, n in counts.items() if kid != current)
        if stale:
            raise CommandError(f"仍有 {stale} 个值不是当前密钥（{current}）加密的：保留 DANGJIAN_DATA_KEYS_EXTRA，"
                               "并再次运行 rotate_data_key")
        self.stdout.write(f"全部数据均由当前密钥（{current}）加密，可以删除 DANGJIAN_DATA_KEYS_EXTRA 并销毁旧密钥")

    def _instructions(self, path) -> str:
        source = f"文件 {path} 的内容" if path else "环境变量 DANGJIAN_NEW_DATA_KEY 的值"
        if settings.DATA_KEY_FROM_ENV:
            old = "DANGJIAN_DATA_KEY 原来的值"
            set_new = f"  DANGJIAN_DATA_KEY=<{source}>"
        else:
            old = f"{settings.VAR_DIR / 'data.key'} 原来的内容"
            set_new = f"  用{source}替换 {settings.VAR_DIR / 'data.key'}（或设置 DANGJIAN_DATA_KEY=<{source}>）"
        return "\n".join([
            "现在请在所有运行本平台的机器上修改环境（如 systemd EnvironmentFile、.env）：",
            set_new,
            f"  DANGJIAN_DATA_KEYS_EXTRA=<{old}>   （过渡期保留旧密钥，仅用于解密和查找）",
            "然后重启全部进程（网页、接口、定时任务）。重启前仍在运行的进程读到新数据会报解密失败，",
            "请尽快完成；全部重启后再运行一次本命令（会补齐重启前用旧密钥写入的数据），",
            "再运行 dangjian rotate_data_key --check，确认没有旧密钥数据后删除 DANGJIAN_DATA_KEYS_EXTRA、销毁旧密钥。",
            "备份：轮换前的备份只能用旧密钥读取，旧密钥须随这些备份一起保管。",
        ])
