"""`caisse` reads its shared options alone for the window, every sub-command otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_app.cli.parser import read_arguments


def test_the_window_needs_only_the_shared_options() -> None:
    args = read_arguments(["--data-dir", "/srv/caisse", "--json"])
    assert (args.command, args.data_dir, args.json) == (None, Path("/srv/caisse"), True)


def test_a_sub_command_is_read_in_full() -> None:
    args = read_arguments(["--staff", "gerant", "devices", "set", "printer", "network",
                           "10.0.0.9", "--paper", "58"])
    assert (args.command, args.action, args.device, args.paper) == ("devices", "set",
                                                                   "printer", 58)


def test_help_and_mistakes_show_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        read_arguments(["--help"])
    assert "devices" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        read_arguments(["--colour"])
    assert "unrecognized arguments: --colour" in capsys.readouterr().err
