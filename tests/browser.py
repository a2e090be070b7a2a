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


def login_as(page, username: str) -> None:
    """Log the browser in through the login page as one of the test builders' users."""
    from dangjian.testing import DEFAULT_PASSWORD

    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
