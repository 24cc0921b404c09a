"""The server settings a public deployment relies on, read from .streamlit/config.toml.

Streamlit reads ``.streamlit/config.toml`` from the directory it is started in,
so ``make run``, the browser tests and the Docker image all get these values.
"""

from __future__ import annotations

import tomllib

import pytest
from streamlit import config as st_config

from tests.conftest import REPO

CONFIG = REPO / ".streamlit" / "config.toml"


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
