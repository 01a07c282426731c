"""A slot's days and hours as staff read them, in the venue's time: on the slot chooser's
buttons and under a basket line, so that two slots of one ride are told apart."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def venue_zone() -> tzinfo:
    """Where the venue's days are counted, as the services count them. (Their module
    loads with the first slot shown: the sale screen starts without the orders' code.)"""
    from pos_app.services.tickets import venue_zone as zone

    return zone()


def weekday_words(day: date) -> str:
    """`sam.`: the day of the week, short."""
    return (translate("slots", "lun."), translate("slots", "mar."),
            translate("slots", "mer."), translate("slots", "jeu."),
            translate("slots", "ven."), translate("slots", "sam."),
            translate("slots", "dim."))[day.weekday()]


def day_words(day: date) -> str:
    """`sam. 11/07/2026`."""
    return f"{weekday_words(day)} {day:%d/%m/%Y}"


def week_words(monday: date) -> str:
    """`du lun. 06/07 au dim. 12/07/2026`."""
    sunday = monday + timedelta(days=6)
    return translate("slots", "du {first} au {last}").format(
        first=f"{weekday_words(monday)} {monday:%d/%m}",
        last=f"{weekday_words(sunday)} {sunday:%d/%m/%Y}")


def slot_hours(start: datetime, end: datetime) -> str:
    """`14:00–15:00` for a slot within one day; `du 13/07 au 17/07, 10:00–17:00` for one
    over several days (a course: the same hours each day)."""
    zone = venue_zone()
    first, last = start.astimezone(zone), end.astimezone(zone)
    hours = f"{first:%H:%M}–{last:%H:%M}"
    if first.date() == last.date():
        return hours
    return translate("slots", "du {first} au {last}, {hours}").format(
        first=f"{first:%d/%m}", last=f"{last:%d/%m}", hours=hours)


def slot_when(start: datetime, end: datetime) -> str:
    """A slot with its day: `sam. 11/07/2026, 14:00–15:00`, or its days when several."""
    first = start.astimezone(venue_zone())
    if first.date() != end.astimezone(venue_zone()).date():
        return slot_hours(start, end)
    return f"{day_words(first.date())}, {slot_hours(start, end)}"


def places_words(booked: int, capacity: int, left: int) -> str:
    """`3/18 · 15 places`, or `18/18 · Complet` when nothing is left."""
    if left <= 0:
        rest = translate("slots", "Complet")
    elif left == 1:
        rest = translate("slots", "1 place")
    else:
        rest = translate("slots", "{count} places").format(count=left)
    return f"{booked}/{capacity} · {rest}"
