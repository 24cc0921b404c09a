"""The server settings a public deployment relies on, read from .streamlit/config.toml.

Streamlit reads ``.streamlit/config.toml`` from the directory it is started in,
so ``make run``, the browser tests and the Docker image all get these values.
``make run`` listens on this machine only unless told otherwise, and the server
calls no one when it starts (no usage statistics, no external-IP lookup); the
last tests start Streamlit for real to check both, with the network calls it
could make replaced by a recorder, so nothing here needs or uses the network.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from streamlit import config as st_config

from tests.conftest import REPO

CONFIG = REPO / ".streamlit" / "config.toml"
MAKEFILE = REPO / "Makefile"
DOCKERFILE = REPO / "Dockerfile"

# Streamlit's only outbound HTTP helper (net_util) replaced by one that prints a
# marker, so a test sees any call that would have left the machine.
RECORD_OUTBOUND = """
import sys
import streamlit.net_util as net_util

def _record(url, timeout=5):
    print("OUTBOUND-REQUEST", url, file=sys.stderr, flush=True)
    return None

net_util._make_blocking_http_get = _record
"""


@pytest.fixture(scope="module")
def settings() -> dict:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def test_every_setting_is_a_real_streamlit_option(settings):
    """A misspelt key is silently ignored by Streamlit: catch it here."""
    known = set(st_config._config_options_template)
    keys = {f"{section}.{key}" for section, values in settings.items() for key in values}
    assert keys - known == set()


def test_headless_and_no_calls_home(settings):
    assert settings["server"]["headless"] is True
    assert settings["browser"]["gatherUsageStats"] is False


def test_xsrf_protection_on(settings):
    assert settings["server"].get("enableXsrfProtection", True) is True


def test_no_cross_origin_access(settings):
    """In Streamlit ``enableCORS = true`` *is* the protection: false would send
    ``Access-Control-Allow-Origin: *`` and accept websockets from any origin."""
    assert settings["server"].get("enableCORS", True) is True


def test_upload_limit_is_small(settings):
    """The app takes no uploads; the default (200 MB) would invite memory abuse."""
    assert 1 <= settings["server"]["maxUploadSize"] <= 50


def test_viewers_get_no_developer_toolbar(settings):
    assert settings["client"]["toolbarMode"] == "viewer"


def test_viewers_never_see_a_traceback(settings):
    assert settings["client"].get("showErrorDetails") in ("none", False)


def test_binds_this_machine_only(settings):
    """Unset, Streamlit binds every interface (and looks up the external IP)."""
    assert settings["server"]["address"] == "127.0.0.1"


def test_no_email_prompt(settings):
    """The first-run prompt would send the address it asks for to Streamlit."""
    assert settings["server"]["showEmailPrompt"] is False


def test_browser_address_is_set(settings):
    """Set, it is the URL printed at start, and Streamlit skips the external-IP lookup
    even when bound to 0.0.0.0 (LAN, Docker)."""
    assert settings["browser"]["serverAddress"] == "localhost"


def _make_dry_run(*args: str, env: dict[str, str] | None = None) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    result = subprocess.run([make, "-n", "-f", str(MAKEFILE), "run", *args], cwd=REPO,
                            capture_output=True, text=True, timeout=30, env=env, check=True)
    return [line for line in result.stdout.splitlines() if "streamlit run" in line][-1]


def test_make_run_binds_loopback_unless_told():
    assert "--server.address 127.0.0.1 " in _make_dry_run()
    assert "--server.address 0.0.0.0 " in _make_dry_run("ADDRESS=0.0.0.0")
    # Only the command line opens it: a stray ADDRESS in the environment does not.
    assert "--server.address 127.0.0.1 " in _make_dry_run(env={**os.environ, "ADDRESS": "0.0.0.0"})


def test_docker_listens_on_all_interfaces_explicitly():
    """The config says 127.0.0.1, which inside a container nobody could reach: the
    image must override it on its own command line."""
    cmd = [line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
           if line.startswith("CMD ")]
    assert len(cmd) == 1
    argv = json.loads(cmd[0].removeprefix("CMD "))
    assert "--server.address=0.0.0.0" in argv


def _isolated_env(home: Path) -> dict[str, str]:
    """No user-wide ~/.streamlit/config.toml or credentials: only the project's config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(home)
    return env


@pytest.mark.parametrize("address", [None, "0.0.0.0"])
def test_start_banner_makes_no_outbound_request(tmp_path, address):
    """What ``streamlit run`` prints at start, with the project config loaded as the CLI
    loads it, for ``make run`` (config address) and ``make run ADDRESS=0.0.0.0``."""
    flags = {} if address is None else {"server_address": address}
    script = RECORD_OUTBOUND + f"""
from streamlit.web import bootstrap
bootstrap.load_config_options({flags!r})
bootstrap._print_url(False)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=_isolated_env(tmp_path),
                            capture_output=True, text=True, timeout=60, check=True)
    output = result.stdout + result.stderr
    assert "OUTBOUND-REQUEST" not in output
    assert "external IP" not in output and "Network URL" not in output
    assert "URL: http://localhost:8501" in output


def _listening_addresses(port: int) -> set[str]:
    """Addresses with a listening TCP socket on ``port``, from Linux's /proc/net."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # four little-endian 32-bit words
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_server_listens_on_loopback_only_and_calls_no_one(tmp_path):
    """Start the dashboard as ``make run`` does (no address flag: the config decides)."""
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp to see the listening sockets")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = RECORD_OUTBOUND + """
from streamlit.web.cli import main
main(prog_name="streamlit")
"""
    log = tmp_path / "streamlit.log"
    with log.open("w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-c", script, "run", "app.py", "--server.port", str(port),
             "--server.fileWatcherType", "none"],
            cwd=REPO, env=_isolated_env(tmp_path), stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline, healthy = time.monotonic() + 60, False
        while time.monotonic() < deadline and proc.poll() is None and not healthy:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as response:
                    healthy = response.read() == b"ok"
            except OSError:
                time.sleep(0.3)
        assert healthy, log.read_text()[-3000:]
        assert _listening_addresses(port) == {"127.0.0.1"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    text = log.read_text()
    assert "OUTBOUND-REQUEST" not in text
    assert "external IP" not in text
    assert f"URL: http://localhost:{port}" in text


def test_docker_runs_without_the_file_watcher():
    """Code and data are fixed in an image: watching them only costs inotify handles."""
    cmd = [line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
           if line.startswith("CMD ")]
    assert "--server.fileWatcherType=none" in json.loads(cmd[0].removeprefix("CMD "))
