"""The keyboard-wedge scanner's settings ([wedge] in devices.ini): a prefix, a suffix and
the longest gap, each checked, and written back as read."""

from __future__ import annotations

from pos_app.domain.devices import (
    DeviceSettings,
    WedgeSettings,
    device_settings_sections,
    read_device_settings,
    wedge_key,
)


def test_no_wedge_section_is_enter_and_60_ms() -> None:
    settings, problems = read_device_settings({})
    assert settings.wedge == WedgeSettings("", "ENTER", 60) and problems == []


def test_a_prefix_a_suffix_and_a_gap_are_read_and_written_back() -> None:
    settings, problems = read_device_settings(
        {"wedge": {"prefix": "f9", "suffix": "tab", "max_gap_ms": "80"}})
    assert settings.wedge == WedgeSettings("F9", "TAB", 80) and problems == []
    again, _ = read_device_settings(device_settings_sections(settings))
    assert again == settings
    character, problems = read_device_settings({"wedge": {"prefix": "§", "suffix": "$"}})
    assert character.wedge == WedgeSettings("§", "$", 60) and problems == []


def test_keys_the_till_cannot_watch_for_are_refused_and_said() -> None:
    settings, problems = read_device_settings(
        {"wedge": {"prefix": "F2", "suffix": "ab", "max_gap_ms": "5"}})
    assert settings.wedge == WedgeSettings()
    assert len(problems) == 3
    assert "prefix = 'F2'" in problems[0] and "suffix = 'ab'" in problems[1]
    assert "max_gap_ms = '5'" in problems[2] and "20 to 500" in problems[2]
    for prefix in ("TAB", "enter"):  # keys people press between fields all the time
        refused, said = read_device_settings({"wedge": {"prefix": prefix}})
        assert refused.wedge.prefix == "" and said


def test_a_prefix_that_is_also_the_suffix_is_dropped() -> None:
    settings, problems = read_device_settings({"wedge": {"prefix": "#", "suffix": "#"}})
    assert settings.wedge == WedgeSettings("", "#") and "both '#'" in problems[0]


def test_a_key_is_a_printable_character_or_a_named_key() -> None:
    assert [wedge_key(text) for text in ("~", "f12", "F24", "F25", " ", "\x02", "ab")] == [
        "~", "F12", "F24", None, None, None, None]
    assert DeviceSettings().wedge == WedgeSettings()
