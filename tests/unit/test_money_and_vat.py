"""Money in integer cents and VAT computed once per rate, half-up, prices including VAT."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.errors import InvalidAmount, InvalidVatRate
from pos_app.domain.money import format_plain, parse_amount, round_half_up
from pos_app.domain.vat import VatRate, split_vat, vat_breakdown


@pytest.mark.parametrize(("typed", "cents"), [
    ("14", 1400), ("14,00", 1400), ("14.5", 1450), ("7,60 €", 760), ("0,05", 5),
    (" 245.00 EUR ", 24500), ("-3,20", -320), (12, 1200), (Decimal("2.10"), 210),
])
def test_amounts_are_read_as_cents(typed: str | int | Decimal, cents: int) -> None:
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["abc", "14,001", "1 4", "", "€", "14,,0", "NaN"])
def test_anything_that_is_not_euros_is_refused(typed: str) -> None:
    with pytest.raises(InvalidAmount) as refused:
        parse_amount(typed)
    assert refused.value.text == typed


def test_floats_and_fractional_cents_are_refused() -> None:
    with pytest.raises(InvalidAmount):
        parse_amount(14.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        parse_amount(Decimal("1.005"))


def test_plain_format_round_trips() -> None:
    assert format_plain(1400) == "14.00"
    assert format_plain(-5) == "-0.05"
    assert parse_amount(format_plain(123456)) == 123456


@pytest.mark.parametrize(("numerator", "denominator", "rounded"), [
    (5, 2, 3), (4, 2, 2), (7, 3, 2), (-5, 2, -3), (149, 100, 1), (150, 100, 2),
])
def test_rounding_is_half_up(numerator: int, denominator: int, rounded: int) -> None:
    assert round_half_up(numerator, denominator) == rounded


def test_a_pony_ride_at_ten_percent() -> None:
    line = split_vat(1400, VatRate.INTERMEDIATE)
    assert (line.excl_cents, line.vat_cents) == (1273, 127)


def test_a_show_ticket_at_five_and_a_half_percent() -> None:
    line = split_vat(2200, VatRate.REDUCED)
    assert (line.excl_cents, line.vat_cents) == (2085, 115)


def test_vat_is_rounded_once_per_rate_not_per_line() -> None:
    # Three coffees at 1,60 € (20 %): per line 1,33 + 0,27 each would give 0,81 € of VAT;
    # once on 4,80 € it is 4,00 + 0,80.
    breakdown = vat_breakdown([(VatRate.STANDARD, 160)] * 3)
    assert [(v.excl_cents, v.vat_cents, v.total_cents) for v in breakdown] == [(400, 80, 480)]


def test_breakdown_lists_each_rate_once_highest_first() -> None:
    breakdown = vat_breakdown([(VatRate.INTERMEDIATE, 1400), (VatRate.STANDARD, 1990),
                               (VatRate.REDUCED, 2200), (VatRate.INTERMEDIATE, 1150)])
    assert [v.rate for v in breakdown] == [VatRate.STANDARD, VatRate.INTERMEDIATE,
                                           VatRate.REDUCED]
    assert breakdown[1].total_cents == 2550


@pytest.mark.parametrize(("typed", "rate"), [
    ("20", VatRate.STANDARD), (10, VatRate.INTERMEDIATE), ("5,5", VatRate.REDUCED),
    (Decimal("2.1"), VatRate.SUPER_REDUCED), ("5.5 %", VatRate.REDUCED),
])
def test_french_rates_are_read(typed: object, rate: VatRate) -> None:
    assert VatRate.parse(typed) is rate
    assert VatRate.parse(rate.percent_text) is rate


@pytest.mark.parametrize("typed", ["19.6", "7", "abc", 5.5, True])
def test_other_rates_are_refused(typed: object) -> None:
    with pytest.raises(InvalidVatRate):
        VatRate.parse(typed)


amounts = st.lists(st.tuples(st.sampled_from(list(VatRate)),
                             st.integers(min_value=0, max_value=10_000_000)), max_size=40)


@given(amounts)
def test_vat_per_rate_always_sums_to_the_order_total(lines: list[tuple[VatRate, int]]) -> None:
    breakdown = vat_breakdown(lines)
    assert sum(v.total_cents for v in breakdown) == sum(amount for _, amount in lines)
    for vat in breakdown:
        assert vat.excl_cents + vat.vat_cents == vat.total_cents
        assert 0 <= vat.vat_cents <= vat.total_cents
        # The VAT is within half a cent of the exact figure.
        exact = Decimal(vat.total_cents) * vat.rate.value / (10_000 + vat.rate.value)
        assert abs(Decimal(vat.vat_cents) - exact) <= Decimal("0.5")
