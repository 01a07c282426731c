"""Reading the fields of reference data (docs/data-format.md): the problems found, said
where they are (`products[3].prices[0].amount: must not be negative`), and the reader of
each kind of field, shared by every section's reader (domain/reference_data.py and the
sections of their own: domain/reference_schedule.py). Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pos_app.domain.errors import DomainError, InvalidVatRate, shown
from pos_app.domain.money import parse_amount
from pos_app.domain.vat import VatRate

# Positions order tiles and methods; they are small numbers.
MAX_POSITION = 999_999
# Text lengths, as the store's columns are sized (storage/rows.py).
NAME_LENGTH, LONG_NAME_LENGTH, CODE_LENGTH, ID_LENGTH = 200, 300, 32, 64
POSTAL_CODE_LENGTH, CITY_LENGTH, LABEL_LENGTH = 16, 100, 100
LOGIN_LENGTH = ID_LENGTH - len("staff:")  # a member's id is `staff:LOGIN`
# Times without an offset are the venue's clock.
VENUE_ZONE = ZoneInfo("Europe/Paris")
# A refusal lists this many problems, then how many more there are: a file of 300,000 bad
# items is said in a screenful, and never held as a million sentences.
PROBLEM_LIMIT = 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # e.g. `products[3].prices[0].amount`
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InvalidImport(DomainError):
    """The problems found (at most PROBLEM_LIMIT), and how many more were not listed; when
    there are more, the last problem listed says so."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        if more:
            problems = [*problems, Problem("(document)", f"and {more} more problems, not"
                                           f" listed: the first {len(problems)} are")]
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems
        self.more = more


class FieldError(ValueError):
    """Raised while reading one field; becomes a Problem naming that field."""


class Problems:
    """Problems as they are found, by bucket (the order they are reported in), at most
    PROBLEM_LIMIT kept in each, all of them counted."""

    def __init__(self, order: tuple[str, ...] = ("",)) -> None:
        self.kept: dict[str, list[Problem]] = {bucket: [] for bucket in order}
        self.count = 0

    def add(self, bucket: str, problem: Problem) -> None:
        self.count += 1
        kept = self.kept[bucket]
        if len(kept) < PROBLEM_LIMIT:
            kept.append(problem)

    def raise_any(self) -> None:
        if self.count:
            listed = [problem for kept in self.kept.values() for problem in kept]
            raise InvalidImport(listed[:PROBLEM_LIMIT], self.count - min(len(listed),
                                                                         PROBLEM_LIMIT))


class Reader:
    """Collects problems while reading; `at` names the item being read (`with
    reader.at("prices"):`). A field read without a problem costs no path work: the
    place is spelt out only for a problem."""

    def __init__(self, buckets: tuple[str, ...]) -> None:
        self.problems = Problems(buckets)
        self.bucket = "(sections)"
        self._path: list[str] = []

    def at(self, part: str) -> Reader:
        self._path.append(part)
        return self

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *_: object) -> None:
        self._path.pop()

    @property
    def where(self) -> str:
        return ".".join(self._path).replace(".[", "[")

    def problem(self, message: str, where: str | None = None) -> None:
        self.problems.add(self.bucket, Problem(self.where if where is None else where,
                                               message))

    def problem_at(self, name: str, message: str) -> None:
        """A problem of field `name` of the item being read."""
        with self.at(name):
            self.problem(message)

    def only(self, item: dict[str, Any], known: frozenset[str]) -> None:
        """Each field of `item` that is not in `known` is a problem of its own."""
        if item.keys() <= known:
            return
        for key in item:
            if key not in known:
                self.problem_at(field_name(key), "unknown field")

    def read(self, item: dict[str, Any], name: str, parse: Callable[[Any], T],
             default: T | None = None, required: bool = True) -> T | None:
        value = item.get(name)
        if value is None:
            if required:
                self.problem_at(name, "missing")
            return default
        try:
            return parse(value)
        except (FieldError, DomainError) as error:
            self.problem_at(name, str(error))
            return default


def field_name(key: object) -> str:
    """A field's name as a problem names it: cut short when it is long."""
    text = str(key)
    return text if len(text) <= 40 else text[:39] + "…"


def text_of(limit: int) -> Callable[[Any], str]:
    """A non-empty text of at most `limit` characters (once trimmed)."""
    def parse(value: Any) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise FieldError("must be a non-empty text")
        if len(text) > limit:
            raise FieldError(f"must be at most {limit} characters long (it has {len(text)})")
        return text
    return parse


def optional_text_of(limit: int) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if not isinstance(value, str):
            raise FieldError("must be a text")
        return bounded(value.strip(), limit) or None
    return parse


def bounded(text: str, limit: int) -> str:
    if len(text) > limit:
        raise FieldError(f"must be at most {limit} characters long (it has {len(text)})")
    return text


def read_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError("must be true or false")
    return value


def read_position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("must be a whole number")
    if abs(value) > MAX_POSITION:
        raise FieldError(f"must be a whole number from -{MAX_POSITION} to {MAX_POSITION}")
    return value


# A catalogue writes the same few rates as texts again and again: each is read once.
_RATES_BY_TEXT: dict[str, VatRate] = {}


def read_vat_rate(value: Any) -> VatRate:
    if type(value) is str and value in _RATES_BY_TEXT:
        return _RATES_BY_TEXT[value]
    try:
        rate = VatRate.parse(value)
    except (InvalidVatRate, ArithmeticError, ValueError) as error:  # 1E+999999, 10**5000
        raise FieldError(f"unknown VAT rate {shown(value)} (allowed: 20, 10, 5.5, 2.1)"
                         ) from error
    if type(value) is str and len(_RATES_BY_TEXT) < 64:
        _RATES_BY_TEXT[value] = rate
    return rate


# A catalogue's prices repeat (`12.50` on thousands of products): each text is read once,
# up to this many different ones.
_CENTS_BY_TEXT: dict[str, int] = {}
_AMOUNTS_REMEMBERED = 50_000


def read_amount(value: Any) -> int:
    if type(value) is str:
        cents = _CENTS_BY_TEXT.get(value)
        if cents is not None:
            return cents
    cents = parse_amount(value)
    if cents < 0:
        raise FieldError(f"must not be negative: {value!r}")
    if type(value) is str and len(_CENTS_BY_TEXT) < _AMOUNTS_REMEMBERED:
        _CENTS_BY_TEXT[value] = cents
    return cents


def choice_of(enum: type[Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        try:
            return enum(value)
        except ValueError as error:
            allowed = ", ".join(member.value for member in enum)
            raise FieldError(f"{shown(value)} is not one of: {allowed}") from error
    return parse


def whole_number(low: int, high: int, meaning: str = "") -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise FieldError(f"must be a whole number from {low} to {high}{meaning}")
        return value
    return parse


def read_day(value: Any) -> date:
    if not isinstance(value, str):
        raise FieldError("must be a day as text, YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise FieldError(f"not a day (YYYY-MM-DD): {shown(value)}") from error


def read_moment(value: Any) -> datetime:
    """A time in ISO 8601, with its offset, or without one: the venue's clock (Paris);
    in UTC."""
    if not isinstance(value, str):
        raise FieldError("must be a time as text, YYYY-MM-DDTHH:MM")
    text = value.strip()
    try:
        if len(text) < 16:  # a day alone is no time
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise FieldError(f"not a time (YYYY-MM-DDTHH:MM, with or without an offset):"
                         f" {shown(value)}") from error
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=VENUE_ZONE)
    return moment.astimezone(UTC)


def read_hours(value: Any) -> tuple[time, time]:
    """`14:00-15:00`: a slot's opening and closing hours (venue time)."""
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except (AttributeError, ValueError) as error:
        raise FieldError(f"not hours (HH:MM-HH:MM): {shown(value)}") from error
    if closes <= opens:
        raise FieldError(f"closes before it opens: {shown(value)}")
    return opens, closes


# The readers of each kind of text, made once (not once per item read).
ID_TEXT, CODE_TEXT, LOGIN_TEXT = text_of(ID_LENGTH), text_of(CODE_LENGTH), text_of(LOGIN_LENGTH)
NAME_TEXT, LONG_NAME_TEXT = text_of(NAME_LENGTH), text_of(LONG_NAME_LENGTH)
LABEL_TEXT = text_of(LABEL_LENGTH)
POSTAL_CODE_TEXT, CITY_TEXT = text_of(POSTAL_CODE_LENGTH), text_of(CITY_LENGTH)
OPTIONAL_ID, OPTIONAL_CODE = optional_text_of(ID_LENGTH), optional_text_of(CODE_LENGTH)
