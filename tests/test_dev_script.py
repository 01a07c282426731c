"""dev.py, the set-up behind the README's two commands."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_root_it_prints_the_exact_apt_line_and_stops(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    dev = load_dev()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert dev.install_system_packages(["libegl1", "libxkbcommon0"]) is False
    assert "apt-get install -y libegl1 libxkbcommon0" in capsys.readouterr().out


def test_missing_qt_libraries_are_named_by_their_debian_package(
        monkeypatch: pytest.MonkeyPatch) -> None:
    dev = load_dev()
    monkeypatch.setattr(dev, "has_shared_library", lambda name: name != "libEGL.so.1")
    monkeypatch.setattr(dev, "venv_works", lambda: True)
    assert dev.missing_system_packages(with_x=False) == ["libegl1"]


def test_an_unknown_command_prints_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_dev().main(["dev.py", "fly"]) == 2
    assert "python3 dev.py test" in capsys.readouterr().out


def test_in_ci_postgresql_tests_are_required(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = load_dev()
    monkeypatch.setenv("CI", "true")
    assert dev.test_environment() == {"CAISSE_TEST_POSTGRESQL": "required"}
    monkeypatch.delenv("CI")
    assert dev.test_environment() == {}


def test_without_root_a_postgresql_that_does_not_answer_is_said_not_started(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    dev = load_dev()
    monkeypatch.setattr(dev, "postgresql_answers", lambda: False)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(dev.subprocess, "run", lambda *a, **k: pytest.fail("started"))
    assert dev.ensure_postgresql() is False
    assert "PostgreSQL does not answer" in capsys.readouterr().out


def test_the_tests_and_the_server_screenshots_ask_for_chromium_when_it_is_missing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dev = load_dev()
    monkeypatch.setattr(dev, "has_shared_library", lambda _name: True)
    monkeypatch.setattr(dev, "venv_works", lambda: True)
    monkeypatch.setattr(dev.shutil, "which", lambda _name: "/usr/bin/faketime")
    present = tmp_path / "chromium"
    present.touch()
    monkeypatch.setattr(dev, "CHROMIUM", {"chromium": str(present),
                                          "chromium-driver": str(tmp_path / "absent")})
    assert dev.missing_system_packages(with_x=False, for_tests=True,
                                       with_browser=True) == ["chromium-driver"]
    assert dev.missing_system_packages(with_x=False) == []


def test_zbar_for_the_camera_is_installed_for_the_tests_by_its_debian_package(
        monkeypatch: pytest.MonkeyPatch) -> None:
    dev = load_dev()
    monkeypatch.setattr(dev, "has_shared_library", lambda name: name != "libzbar.so.0")
    monkeypatch.setattr(dev, "venv_works", lambda: True)
    monkeypatch.setattr(dev.shutil, "which", lambda _name: "/usr/bin/faketime")
    monkeypatch.setattr(dev.Path, "exists", lambda _path: True)
    assert dev.missing_system_packages(with_x=False, for_tests=True, with_browser=True,
                                       with_zbar=True) == ["libzbar0"]
    assert dev.missing_system_packages(with_x=False) == []  # the camera works without it
