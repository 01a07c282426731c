"""A serial reader's bytes framed into codes: partial codes dropped, noise rejected, the
terminators and encodings the settings allow (the reading itself:
tests/integration/test_serial_scanner.py)."""

from __future__ import annotations

import pytest

from hardware.serial_scanner import CodeFramer, Framed


def codes(framed: list[Framed]) -> list[str]:
    return [item.code for item in framed if item.code is not None]


def problems(framed: list[Framed]) -> list[str]:
    return [item.problem for item in framed if item.problem is not None]


def test_a_fragment_left_past_the_timeout_is_dropped_and_said_not_glued() -> None:
    framer = CodeFramer("CR", timeout_s=0.1)
    assert framer.feed(b"3760001001549", at=10.0) == []
    assert framer.tick(at=10.05) == []  # within the timeout: still waiting for the rest
    dropped = framer.tick(at=10.3)
    assert codes(dropped) == [] and "partial code dropped" in problems(dropped)[0]
    assert "3760001001549" in problems(dropped)[0]
    assert codes(framer.feed(b"3760001001617\r", at=10.31)) == ["3760001001617"]


def test_a_code_sent_in_parts_within_the_timeout_is_one_code() -> None:
    framer = CodeFramer("CR", timeout_s=0.1)
    framer.feed(b"37600010", at=1.0)
    assert framer.tick(at=1.02) == []
    assert codes(framer.feed(b"01549\r", at=1.03)) == ["3760001001549"]


@pytest.mark.parametrize("noise", [b"\x80\x00\x00\x1b", b"\x1b[2J", b"AB\x07C", b"\x7f"])
def test_noise_is_rejected_said_and_leaves_the_next_code_whole(noise: bytes) -> None:
    framer = CodeFramer("CR")
    framed = framer.feed(noise + b"\r3760001001617\r", at=1.0)
    assert codes(framed) == ["3760001001617"]
    assert len(problems(framed)) == 1 and "rejected" in problems(framed)[0]


def test_crlf_is_one_end_and_empty_lines_are_no_codes() -> None:
    framer = CodeFramer("CRLF")
    framed = framer.feed(b"111\r\n\r\n222\r\n", at=1.0)
    assert codes(framed) == ["111", "222"] and problems(framed) == []


def test_another_terminator_than_set_is_read_and_said_once() -> None:
    framer = CodeFramer("CR")
    framed = framer.feed(b"111\n222\r\n333\n", at=1.0)
    assert codes(framed) == ["111", "222", "333"]
    assert problems(framed) == ["the reader ends its codes with LF, not CR as set: read"
                                " anyway"]


def test_tab_ends_a_code_when_set() -> None:
    framer = CodeFramer("TAB")
    assert codes(framer.feed(b"CD2-000123\tABC\t", at=1.0)) == ["CD2-000123", "ABC"]


def test_with_timeout_set_a_pause_ends_the_code() -> None:
    framer = CodeFramer("TIMEOUT", timeout_s=0.1)
    framer.feed(b"3760001001549", at=1.0)
    assert framer.tick(at=1.05) == []
    assert codes(framer.tick(at=1.2)) == ["3760001001549"]
    assert framer.tick(at=1.5) == []


def test_encodings() -> None:
    assert codes(CodeFramer("CR").feed("Tkt-é-42\r".encode("latin-1"), 1.0)) == ["Tkt-é-42"]
    utf8 = CodeFramer("CR", encoding="utf-8")
    assert codes(utf8.feed("Tkt-é-42\r".encode(), 1.0)) == ["Tkt-é-42"]
    bad = utf8.feed(b"Tkt-\xe9-42\r", 1.0)  # latin-1 bytes on a reader set to UTF-8
    assert codes(bad) == [] and "not utf-8 text" in problems(bad)[0]


def test_a_gs1_group_separator_is_part_of_the_code() -> None:
    assert codes(CodeFramer("CR").feed(b"0103760001001549\x1d10LOT7\r", 1.0)) == [
        "0103760001001549\x1d10LOT7"]


def test_endless_bytes_are_dropped_as_noise() -> None:
    framer = CodeFramer("CR")
    framed = framer.feed(b"7" * 5000, at=1.0)
    assert codes(framed) == [] and "dropped as noise" in problems(framed)[0]
    assert codes(framer.feed(b"\r123\r", at=1.0)) == ["123"]


def test_a_setting_the_framer_cannot_use_is_refused() -> None:
    with pytest.raises(ValueError):
        CodeFramer("ETX")
    with pytest.raises(LookupError):
        CodeFramer("CR", encoding="klingon")
