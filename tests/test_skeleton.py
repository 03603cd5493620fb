"""The project's entry points exist and answer."""

import subprocess
import sys

import cli


def test_every_command_resolves_to_a_function():
    for name in cli.HANDLERS:
        assert callable(cli.resolve(name)), name


def test_usage_error_exits_2():
    result = subprocess.run([sys.executable, "-m", "cli", "validate"], capture_output=True)
    assert result.returncode == 2
