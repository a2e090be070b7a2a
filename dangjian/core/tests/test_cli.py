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
