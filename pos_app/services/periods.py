"""A period of the venue's days, as reports and the planning ask for one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from pos_app.domain.errors import DomainError


class PeriodInvalid(DomainError):
    def __init__(self, first: date, last: date) -> None:
        super().__init__(f"the period ends ({last}) before it starts ({first})")


def day_bounds(first_day: date, last_day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """[the start of `first_day`, the start of the day after `last_day`), UTC, days as
    the clock in `zone` counts them; a period that ends before it starts is refused."""
    if last_day < first_day:
        raise PeriodInvalid(first_day, last_day)
    return (datetime.combine(first_day, time(0), zone).astimezone(UTC),
            datetime.combine(last_day + timedelta(days=1), time(0), zone).astimezone(UTC))
