import subprocess
import sys

import pytest


def test_hyphenated_command_names_reach_the_management_command():
    result = subprocess.run(
        [sys.executable, "-m", "dangjian.cli", "demo-data", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert "--scale" in result.stdout


def test_unknown_command_fails():
    result = subprocess.run([sys.executable, "-m", "dangjian.cli", "no-such-thing"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0


@pytest.mark.parametrize("argv", [["dangjian", "check"]])
def test_main_runs_a_command(argv):
    from dangjian.cli import main

    assert main(argv) == 0


def _production_env(**extra) -> dict:
    import os
    import secrets

    # a clean server environment: none of the suite's own settings (the browser tests allow async-unsafe ORM)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "DJANGO_", "DATABASE_URL"))}
    env.update(DANGJIAN_ENV="production", DANGJIAN_ALLOWED_HOSTS="dangjian.example.gov.cn", **extra)
    env.setdefault("DANGJIAN_SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("DANGJIAN_DATA_KEY", secrets.token_hex(32))
    return env


def test_production_settings_pass_the_deployment_checks():
    """等保: HTTPS redirect, HSTS, secure cookies and the rest of Django's deployment list, as warnings made errors."""
    result = subprocess.run([sys.executable, "-m", "dangjian.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            capture_output=True, text=True, timeout=120, env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_keys():
    env = _production_env()
    del env["DANGJIAN_DATA_KEY"]
    result = subprocess.run([sys.executable, "-m", "dangjian.cli", "check"], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode != 0 and "DANGJIAN_DATA_KEY" in result.stderr
