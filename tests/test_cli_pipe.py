"""``python -m lawreach ... | head -1``: a reader that stops early is not an error to report.

The pipe's read end is closed before the command writes anything, so every run
meets a broken pipe (no race with how much the child buffers). The command must
stop quietly: exit status 141 (what a shell reports for SIGPIPE), nothing on stderr,
and no second failure when Python flushes stdout at exit.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lawreach.cli import EXIT_BROKEN_PIPE
from tests.conftest import DATA, REPO

NOISE = ("Traceback", "BrokenPipeError", "Exception ignored")


def run_into_closed_pipe(*args: str, buffered: bool) -> subprocess.CompletedProcess[str]:
    """Run ``python -m lawreach ARGS`` with stdout a pipe nobody reads any more.

    Buffered (Python's default for a pipe), the output waits in memory and meets the
    broken pipe when flushed, at the latest at exit; unbuffered (PYTHONUNBUFFERED, as
    in Docker images), at the first write. Both paths must stay quiet.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "lawreach", *args], cwd=REPO, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False, env=env)
    finally:
        os.close(write_end)


def test_broken_pipe_exit_status_is_sigpipe_convention():
    assert EXIT_BROKEN_PIPE == 141


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("args", [
    ["stats", str(DATA)],
    ["validate", "--json", str(DATA)],
    ["geocode", "Guanlei Port", "CHN"],  # from the overrides table: no gazetteer needed
])
def test_closed_pipe_stops_quietly(args, buffered):
    result = run_into_closed_pipe(*args, buffered=buffered)
    assert result.returncode == EXIT_BROKEN_PIPE, result.stderr
    for noise in NOISE:
        assert noise not in result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("args", [["--help"], ["stats", "--help"], ["geocode", "--help"]])
def test_help_into_a_closed_pipe_stops_quietly(args, buffered):
    """argparse itself ignores a failed write of the help text (then exits 0); buffered,
    the text only meets the closed pipe when flushed, which the command catches (141)."""
    result = run_into_closed_pipe(*args, buffered=buffered)
    assert result.returncode == (EXIT_BROKEN_PIPE if buffered else 0), result.stderr
    assert result.stderr == ""


def test_stats_piped_into_head(tmp_path):
    """The reviewer's own command, through a real shell pipeline."""
    result = subprocess.run(
        ["bash", "-c", f'set -o pipefail; "{sys.executable}" -m lawreach stats "{DATA}" | head -1'],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert result.stdout.startswith("lawreach")
    assert len(result.stdout.splitlines()) == 1
    for noise in NOISE:
        assert noise not in result.stderr
    # 141 if the pipe broke under the writer, else stats' own status (1 only if data
    # problems exist): never Python's 120 for an error while flushing at exit.
    assert result.returncode in (0, 1, EXIT_BROKEN_PIPE)


def test_a_full_read_is_unchanged():
    """Without a broken pipe, stats prints everything and keeps its own exit status."""
    result = subprocess.run([sys.executable, "-m", "lawreach", "stats", str(DATA)], cwd=REPO,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode in (0, 1)
    assert "Coverage of service stations:" in result.stdout
