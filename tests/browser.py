"""Playwright driving Debian's chromium (no browser download). Shared by the browser tests."""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("DANGJIAN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        raise RuntimeError("未找到 chromium：make test 会用 apt 安装 Debian 的 chromium 包")
    return path
