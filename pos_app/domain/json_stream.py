"""Reading a large JSON document as it comes (standard library only): its top-level
object member by member, each list item by item (`JsonMembers`, the import's
`MemberStream`), from a window of the text that moves along the file. An import file may
hold a venue group's catalogue, 100 MB of text that would take six times as much as
objects. The till's command line and the server's import both read files with it; each
says a problem with its own kind of error (`error`), in the same words.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, BinaryIO

from pos_app.domain.errors import DomainError
from pos_app.domain.reference_data import MAX_NESTING

CHUNK_BYTES = 1 << 20  # read a MiB at a time
_SPACE = re.compile(r"[ \t\n\r]*")  # what JSON takes for white space
# A decoding error this close to the end of the text read so far may only mean the value
# goes on in what is not read yet (`tru|e`, `-Infinit|y`, `"\u00|e9"`).
_CUT_MARGIN = 16


class UnreadableJson(DomainError):
    """The text is not a JSON document the reader takes; the message says why and where."""


def too_large(name: str, limit: int) -> str:
    return (f"{name} is larger than {limit // 1_000_000} MB, the most the till reads:"
            " split it into smaller files")


class JsonMembers:
    """An import file's top-level object, read as the import asks for it (the service's
    `MemberStream`): each member in order, a list as an iterator of its items. A list
    left unread is still read through when the next member is asked for, so the whole
    file is checked as JSON; what follows the object may only be white space."""

    def __init__(self, reader: JsonReader) -> None:
        self._reader = reader

    def members(self) -> Iterator[tuple[str, Any]]:
        reader = self._reader
        reader.expect("{")
        char = reader.next_char()
        if char == "}":
            reader.expect("}")
            reader.end()
            return
        while True:
            if char != '"':
                raise reader.invalid("Expecting property name enclosed in double quotes")
            key = reader.value()
            if reader.next_char() != ":":
                raise reader.invalid("Expecting ':' delimiter")
            reader.expect(":")
            if reader.next_char() == "[":
                items = _Items(reader)
                yield key, items
                for _item in items:
                    pass  # what the import did not read is still read, as JSON
            else:
                yield key, reader.value()
            char = reader.next_char()
            if char == ",":
                reader.expect(",")
                char = reader.next_char()
            elif char == "}":
                reader.expect("}")
                break
            else:
                raise reader.invalid("Expecting ',' delimiter")
        reader.end()


class _Items(Iterator[Any]):
    """A list's items, each decoded when asked for."""

    def __init__(self, reader: JsonReader) -> None:
        self._reader = reader
        self._first = True
        self._done = False
        reader.expect("[")

    def __next__(self) -> Any:
        if self._done:
            raise StopIteration
        reader = self._reader
        char = reader.next_char()
        if char == "]":
            reader.expect("]")
            self._done = True
            raise StopIteration
        if not self._first:
            if char != ",":
                raise reader.invalid("Expecting ',' delimiter")
            reader.expect(",")
        self._first = False
        return reader.value()


class JsonReader:
    """A window of the decoded text that moves along the file: values are decoded by the
    standard library's JSON scanner from the window, which grows when a value goes on
    past its end, and drops what has been read."""

    def __init__(self, file: BinaryIO, name: str, limit: int,
                 error: Callable[[str], Exception] = UnreadableJson,
                 chunk_bytes: int = CHUNK_BYTES) -> None:
        self._file, self._name, self._limit = file, name, limit
        self._error, self._chunk = error, chunk_bytes
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder(parse_float=Decimal)
        self._text = ""  # the window
        self._pos = 0  # where reading is, in the window
        self._bytes_read = 0
        self._eof = False
        self._bom_checked = False
        self._lines_dropped = 0  # line feeds in the text dropped from the window
        self._column_dropped = 0  # characters dropped after the last of them

    def next_char(self) -> str:
        """The next character that is not white space ("" at the end), not taken."""
        while True:
            space = _SPACE.match(self._text, self._pos)
            if space is not None:  # it always matches, if only nothing
                self._pos = space.end()
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        """Take `char`, which next_char() has just returned."""
        if self._text[self._pos:self._pos + 1] != char:
            raise self.invalid(f"Expecting {char!r}")
        self._pos += 1

    def value(self) -> Any:
        """Decode the next value."""
        self.next_char()
        while True:
            try:
                value, end = self._json.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as error:
                if self._eof or not (error.msg.startswith("Unterminated string")
                                     or error.pos >= len(self._text) - _CUT_MARGIN):
                    raise self.invalid(error.msg, error.pos) from error
                self._more(grow=True)
                continue
            except RecursionError as error:
                raise self._error(f"{self._name} is nested more than {MAX_NESTING} levels"
                                 " deep") from error
            except ValueError as error:  # a number of thousands of digits
                raise self._error(f"{self._name} holds a number too long to read (over"
                                 f" {sys.get_int_max_str_digits()} digits)") from error
            if end < len(self._text) or self._eof:
                self._pos = end
                return value
            self._more(grow=True)  # a number may go on in what is not read yet

    def end(self) -> None:
        """Only white space may follow the document."""
        if self.next_char():
            raise self.invalid("Extra data")

    def invalid(self, message: str, pos: int | None = None) -> Exception:
        """The sentence for text that is not JSON, where it stops being JSON."""
        pos = self._pos if pos is None else pos
        line = self._lines_dropped + self._text.count("\n", 0, pos) + 1
        last = self._text.rfind("\n", 0, pos)
        column = pos - last if last >= 0 else self._column_dropped + pos + 1
        return self._error(f"{self._name} is not valid JSON: {message} at line {line},"
                          f" column {column}")

    def _more(self, grow: bool = False) -> bool:
        """Read on into the window (as much again as it holds when `grow`: a value too
        long for it is then read in a few steps); False at the end of the file."""
        if self._eof:
            return False
        size = max(self._chunk, len(self._text) - self._pos) if grow else self._chunk
        try:
            data = self._file.read(size)
        except OSError as error:  # a disk or a pipe failing half-way
            raise self._error(f"cannot read {self._name}: {error.strerror}") from error
        pending = self._utf8.getstate()[0]  # bytes of a character cut by the last read
        try:
            decoded = self._utf8.decode(data, final=not data)
        except UnicodeDecodeError as error:
            where = self._bytes_read - len(pending) + error.start
            raise self._error(f"{self._name} is not UTF-8 text (byte"
                             f" 0x{(pending + data)[error.start]:02x} at offset {where}):"
                             " save it as UTF-8") from error
        self._bytes_read += len(data)
        if self._bytes_read > self._limit:
            raise self._error(too_large(self._name, self._limit))
        if not self._bom_checked and decoded:
            self._bom_checked = True
            decoded = decoded.removeprefix("\ufeff")  # a byte order mark is allowed
        self._eof = not data
        self._drop_read()
        self._text += decoded
        return True

    def _drop_read(self) -> None:
        """Drop the text already read from the window, counting its lines (for where an
        error is)."""
        pos = self._pos
        if not pos:
            return
        last = self._text.rfind("\n", 0, pos)
        if last >= 0:
            self._lines_dropped += self._text.count("\n", 0, pos)
            self._column_dropped = pos - last - 1
        else:
            self._column_dropped += pos
        self._text = self._text[pos:]
        self._pos = 0
