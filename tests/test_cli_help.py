"""The --help texts are read in a terminal: plain text, no reST markup, every command listed."""

from __future__ import annotations

import pytest

from lawreach.cli import main
from lawreach.geocode.cli import run_cli


def _help(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main([*args, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("args", [[], ["validate"], ["stats"], ["export"]])
def test_help_has_no_rest_markup(capsys, args):
    text = _help(capsys, *args)
    assert text.startswith("usage: python -m lawreach")
    assert "``" not in text and "`" not in text


def test_geocode_help_has_no_rest_markup_and_says_how_to_choose(capsys):
    assert run_cli(["--help"]) == 0
    text = capsys.readouterr().out
    assert "``" not in text and "`" not in text
    assert "--admin1 CODE" in text and "--pick N" in text
    assert '.venv/bin/pip install -e ".[geocode]"' in text


def test_top_level_help_lists_every_command(capsys):
    text = _help(capsys)
    assert "{validate,stats,geocode,export}" in text
    assert "unavailable" not in text  # the export module imported


def test_unknown_option_is_still_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["stats", "--no-such-option"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err
